"""The one way a screen or widget runs database work: ``run_duty``.

A thread worker runs ``call()`` inside a database connection and hands the outcome back
to the UI thread, where nothing it raised can end the app:

- its result goes to ``done(result)``;
- a ``DutyError`` goes to ``refused(field, message)`` (the duty's field name, "" for none),
  any other ``DeskError`` to ``refused("", message)``;
- database trouble (unreachable, locked past the busy timeout, full, read-only, forked:
  ``deskterm.db.trouble``) is reported to the app's ``DatabaseHealth`` (the status line
  says so until it passes) and goes to ``refused("", words)`` in the clerk's words, no
  driver text: "Not saved: ..." for a save, "Could not load: ..." for a load;
- anything else is a bug: its traceback goes to the desk's log file and the clerk reads
  "Not saved: an unexpected error ..." (the form keeps what was typed).

Only a ``DutyError`` is a refusal (what the clerk typed was refused: a wrong PIN, a code
taken). Trouble, another ``DeskError`` and a bug are failures: nothing typed was refused.
A caller that treats them apart (a form keeps its PINs after a failure) passes
``failed``, which then takes them as ``failed(message)`` instead of ``refused("", ...)``.

A success reports the database healthy again. Nothing is delivered to a screen or widget
that was closed meanwhile, nor from a worker a newer one of its exclusive group replaced.
Pressing the key again runs the duty again: that is the retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from deskterm.db.models import database
from deskterm.db.trouble import LOAD_WORDS, SAVE_WORDS, Trouble, trouble_of
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import _

log = logging.getLogger("deskterm")

Refused = Callable[[str, str], object]


def _nothing(*_args) -> None:
    return None


def trouble_words(trouble: Trouble, *, load: bool) -> str:
    return _((LOAD_WORDS if load else SAVE_WORDS)[trouble.kind])


def unexpected_words(exc: BaseException, *, load: bool) -> str:
    if load:
        return _("Could not load: an unexpected error ({error}); it is in the desk's log.") \
            .format(error=type(exc).__name__)
    return _("Not saved: an unexpected error ({error}); it is in the desk's log. What you "
             "typed is kept.").format(error=type(exc).__name__)


class Outcome(NamedTuple):
    """What a duty came to: ``kind`` "done" (``result``), "refused" (a ``DutyError``:
    ``field``, ``message``) or "failed" (trouble, another ``DeskError``, a bug:
    ``message``)."""

    kind: str
    result: Any = None
    field: str = ""
    message: str = ""


def outcome(call: Callable[[], Any], *, load: bool = False, health=None) -> Outcome:
    """Run ``call()`` in a connection (see the module). Reports trouble (or health) to
    ``health`` when given. Never raises an ``Exception``."""
    try:
        with database.connection_context():
            result = call()
    except DutyError as exc:
        _report_ok(health)  # the database answered: a refusal is not trouble
        return Outcome("refused", field=exc.field or "", message=exc.message)
    except Exception as exc:  # noqa: BLE001 - nothing a duty raises may end the desk
        trouble = trouble_of(exc)
        if trouble is not None:
            log.warning("database trouble (%s): %s", trouble.kind, trouble.detail)
            if health is not None:
                health.failed(trouble)
            return Outcome("failed", message=trouble_words(trouble, load=load))
        if isinstance(exc, DeskError):
            return Outcome("failed", message=exc.message)
        log.exception("unexpected error in a duty")
        return Outcome("failed", message=unexpected_words(exc, load=load))
    _report_ok(health, wrote=not load)
    return Outcome("done", result)


def outcome_of(call: Callable[[], Any], *, load: bool = False,
               health=None) -> tuple[bool, Any, str, str]:
    """``outcome`` as ``(True, result, "", "")`` or ``(False, None, field, message)``
    (a failure's field is ""). For tests."""
    got = outcome(call, load=load, health=health)
    return got.kind == "done", got.result, got.field, got.message


def _report_ok(health, *, wrote: bool = False) -> None:
    if health is not None:
        health.ok(wrote=wrote)


def run_duty(node: DOMNode, call: Callable[[], Any], *,
             done: Callable[[Any], object] = _nothing, refused: Refused = _nothing,
             failed: Callable[[str], object] | None = None,
             group: str, exclusive: bool = True, load: bool = False,
             name: str = "") -> Worker:
    """Run ``call`` in a thread worker of ``node`` (see the module's docstring).

    ``failed`` takes a failure (trouble, a bug) apart from a refusal; without it a
    failure goes to ``refused("", message)``.
    ``load`` picks the words for a read ("Could not load") rather than a save.
    ``exclusive`` cancels the group's older worker: its outcome is dropped.
    """
    app = node.app
    health = getattr(app, "db_health", None)

    def work() -> None:
        worker = get_current_worker()
        got = outcome(call, load=load, health=health)
        if worker.is_cancelled:
            return
        if got.kind == "done":
            target = (done, got.result)
        elif got.kind == "failed" and failed is not None:
            target = (failed, got.message)
        else:
            target = (refused, got.field, got.message)
        try:
            app.call_from_thread(_deliver, node, worker, *target)
        except RuntimeError:  # the app has closed meanwhile
            return

    return node.run_worker(work, thread=True, exclusive=exclusive, group=group,
                           name=name or group, exit_on_error=False)


def _deliver(node: DOMNode, worker: Worker, callback, *args) -> None:
    if worker.is_cancelled or not node.is_attached:
        return  # a newer worker took over, or the screen was closed
    callback(*args)
