"""What the forms share: running a duty from a save worker, and the per-field error lines.

``run_duty`` is the body of a save worker (``@work(thread=True)``): it runs the duty in a
database connection and hands the result, or the refusal, back to the UI thread. A
``DutyError`` is said under its field, any other ``DeskError`` on the form's own line, and
anything else (a lost database) as "Not saved: ..."; the form stays open either way.

``FieldErrors`` is the error line under each field of a form built with ``field_box``:
``#{PREFIX}-error-{name}`` (falling back to ``#{PREFIX}-error-form``), shown with ✗ and the
``-shown`` class. A form mixing it in sets ``PREFIX`` and ``FIELDS`` and, in ``__init__``,
``self._error_for = {}`` (what each field held when refused).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Input, Static

from deskterm.db.models import database
from deskterm.display import plain
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import _


def run_duty(screen, call: Callable[[], Any], done: Callable[[Any], object],
             refused: Callable[[str, str], object]) -> None:
    """In a thread worker of ``screen``: ``call()`` in a connection, then ``done(result)``
    or ``refused(field, message)`` on the UI thread."""
    try:
        with database.connection_context():
            result = call()
    except DutyError as exc:
        screen.app.call_from_thread(refused, exc.field or "", exc.message)
        return
    except DeskError as exc:
        screen.app.call_from_thread(refused, "", exc.message)
        return
    except Exception as exc:  # noqa: BLE001 - a lost database: say so, keep the form
        screen.app.call_from_thread(refused, "", _("Not saved: {error}").format(error=exc))
        return
    screen.app.call_from_thread(done, result)


class FieldErrors:
    """Per-field error lines for a ``ModalScreen`` form (see the module's docstring)."""

    PREFIX: str
    FIELDS: tuple[str, ...]
    _error_for: dict[str, object]

    def _raw(self, name: str):
        """What field ``name`` holds (``None`` when the form has no such field)."""
        found = self.query(f"#{self.PREFIX}-{name}")
        return getattr(found.first(), "value", None) if found else None

    def _show_error(self, name: str, message: str) -> None:
        """``message`` under field ``name`` (or on the form's line); "" clears it."""
        self._error_for[name] = self._raw(name) if message else None
        found = self.query(f"#{self.PREFIX}-error-{name}")
        if not found:
            found = self.query(f"#{self.PREFIX}-error-form")
        error = found.first(Static)
        error.update(plain(("✗ " + message) if message else ""))
        error.set_class(bool(message), "-shown")

    def _clear_errors(self) -> None:
        for name in (*self.FIELDS, "form"):
            if self.query(f"#{self.PREFIX}-error-{name}"):
                self._show_error(name, "")

    def _focus_field(self, name: str) -> None:
        found = self.query(f"#{self.PREFIX}-{name}")
        if found and found.first().focusable:
            found.first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field (ctrl+s saves)."""
        event.stop()
        self.focus_next()

    def paste_refused(self, widget: Input, length: int) -> None:
        """Called by ``LimitedInput`` when a paste is longer than the field takes."""
        name = (widget.id or "").removeprefix(f"{self.PREFIX}-")
        self._show_error(name, _("Too long to paste: {count} characters; at most {limit}.")
                         .format(count=f"{length:,}", limit=f"{widget.max_length:,}"))
