"""``DetailScreen``: one record in full — its fields, its history, the actions its state
allows — read through the kit, and read again after an action stored something.

A detail (the repair order's, the complaint's) is a ``BookScreen`` keyed by the record's
id. It gives:

- ``fetch(record_id)``: the record's view (in a worker), None when there is no such
  record at this office (``NOT_FOUND`` says so);
- ``title_of(view, now)``, ``field_lines(view, now)``, ``history_lines(view, now)``
  (newest last) and ``history_label(view, now)``: plain text, shown with markup off;
- ``ACTIONS``: one ``DetailAction`` a key — the view's attribute that says whether the
  state allows it, the hint's words, the refusal (``{state}``: the state in
  ``STATE_WORDS``' words) and the sub-form it opens (``opens(screen, view)``).

The base owns the rest: the layout (the history scrolls in what the fields leave), one
binding per action (declared once, in ``ACTIONS``), a key the state does not allow said
on the message line and nothing opened, the sub-form pushed and the record read again
when it closes with a true result (saved), the hint listing only what the state allows,
Esc, database trouble on the message line (the record shown stays); ``loaded`` /
``loads`` are the book's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from deskterm.clock import now_utc
from deskterm.display import plain
from deskterm.i18n import N_, _
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.tables import lines_text


@dataclass(frozen=True)
class DetailAction:
    """One key of a detail: ``allowed`` names the view's attribute that is True when the
    state allows it; ``label`` (N_ words, or a function of the view giving them) goes in
    the hint; ``refusal`` (N_, with ``{state}``) is said when the state does not allow
    it; ``opens(screen, view)`` makes the sub-form."""

    key: str
    allowed: str
    label: str | Callable[[Any], str]
    refusal: str
    opens: Callable[[Any, Any], Any]

    def words(self, view: Any) -> str:
        return _(self.label(view) if callable(self.label) else self.label)


class DetailScreen(BookScreen):
    """One record, its history and its actions (see the module's docstring)."""

    DEFAULT_CSS = """
    DetailScreen > .kit-detail {
        width: 80; max-width: 100%; height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    DetailScreen .kit-detail-title { padding: 0; text-style: bold; }
    DetailScreen .kit-detail-fields { height: auto; }
    DetailScreen .kit-history {
        height: 1fr; min-height: 3; border-left: tall $accent; padding: 0 0 0 1;
    }
    DetailScreen .kit-history:focus { border-left: tall $accent-lighten-2; }
    DetailScreen .kit-history > Static { height: auto; }
    """
    AUTO_FOCUS = None
    COVERS = True  # the view is 80 wide and the whole height
    TITLE_TEXT: ClassVar[str] = ""
    NOT_FOUND: ClassVar[str] = N_("There is no such record at this office.")
    STATE_WORDS: ClassVar[dict[str, str]] = {}
    ACTIONS: ClassVar[tuple[DetailAction, ...]] = ()

    def __init_subclass__(cls, **kwargs) -> None:
        # One binding per action, from ACTIONS: the keys are declared once.
        actions = cls.__dict__.get("ACTIONS", ())
        if actions:
            cls.BINDINGS = [*cls.__dict__.get("BINDINGS", ()),
                            *(Binding(a.key, f"do('{a.key}')", show=False) for a in actions)]
        super().__init_subclass__(**kwargs)

    def __init__(self, session, record_id: int, **kwargs) -> None:
        super().__init__(session, **kwargs)
        self.record_id = record_id
        self.view: Any = None

    # --- what a detail gives -----------------------------------------------------------------
    def title_of(self, view: Any, now: dt.datetime) -> str:
        raise NotImplementedError

    def field_lines(self, view: Any, now: dt.datetime) -> list[str]:
        raise NotImplementedError

    def history_lines(self, view: Any, now: dt.datetime) -> list[str]:
        raise NotImplementedError

    def history_label(self, view: Any, now: dt.datetime) -> str:
        return _("History")

    # --- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        prefix = self.PREFIX
        with Vertical(id=f"{prefix}-form", classes="kit-detail"):
            yield Static(plain(_(self.TITLE_TEXT)), id=f"{prefix}-title",
                         classes="kit-detail-title", markup=False)
            yield Static(plain("…"), id=f"{prefix}-fields", classes="kit-detail-fields",
                         markup=False)
            yield Label(plain(_("History")), id=f"{prefix}-history-label",
                        classes="field-label")
            with VerticalScroll(id=f"{prefix}-history", classes="kit-history"):
                yield Static(plain(""), id=f"{prefix}-history-text", markup=False)
            yield self.message_line()
            yield self.result_line()  # what a key did (``tell``): a slip printed
            yield Static(plain(self.hint(None)), id=f"{prefix}-hint", classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one(f"#{self.PREFIX}-history"))
        self.reload()

    # --- reading -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the record again (after an action, or ctrl+r)."""
        self.read(self.record_id)

    def show(self, view: Any, *key) -> None:
        self.view = view
        prefix = self.PREFIX
        fields = self.query_one(f"#{prefix}-fields", Static)
        history = self.query_one(f"#{prefix}-history-text", Static)
        if view is None:
            fields.update(plain(_(self.NOT_FOUND)))
            history.update(plain(""))
        else:
            now = now_utc()
            self.query_one(f"#{prefix}-title", Static).update(plain(self.title_of(view, now)))
            self.query_one(f"#{prefix}-history-label", Label).update(
                plain(self.history_label(view, now)))
            fields.update(lines_text(self.field_lines(view, now)))
            history.update(lines_text(self.history_lines(view, now)))
            self.query_one(f"#{prefix}-history", VerticalScroll).scroll_end(animate=False)
        self.query_one(f"#{prefix}-hint", Static).update(plain(self.hint(view)))

    def hint(self, view: Any) -> str:
        """The keys the record's state allows, then the view's own."""
        keys = [a.words(view) for a in self.ACTIONS
                if view is not None and getattr(view, a.allowed)]
        return " · ".join([*keys, _("↑↓ history"), _("Esc close")])

    # --- the actions ---------------------------------------------------------------------------
    def state_word(self) -> str:
        state = getattr(self.view, "state", None)
        if not state:
            return "—"
        return _(self.STATE_WORDS[state]) if state in self.STATE_WORDS else state

    def action_do(self, key: str) -> None:
        action = next((a for a in self.ACTIONS if a.key == key), None)
        if action is None or self.view is None:
            return  # not read yet, or no such record
        if not getattr(self.view, action.allowed):
            self.say(_(action.refusal).format(state=self.state_word()))
            return
        self.say("")
        self.app.push_screen(action.opens(self, self.view), callback=self._after)

    def _after(self, saved: Any) -> None:
        """A sub-form closed: its result (True, a row) when it stored something."""
        if saved is not None and saved is not False:
            self.reload()
