"""The night-to-day handover (交接班, F5) [7.3].

``open_handover(app)`` opens ``HandoverScreen`` for the day clerk at the desk (``ROLES``):
the desk's figures at that moment (open orders, overdue callbacks, cash not yet banked)
and the night log since the last handover, one row per entry, the highlighted entry's full
text under the list. It is a ``BookScreen``: read in the kit's worker, ctrl+r (or r)
reads again, a refusal or database trouble said on its message line. Each entry gets its
disposition with a key:

- ``t`` taken over;
- ``o`` a repair order: call intake opens prefilled from the entry (channel "night log",
  the night person as caller, the entry's text, its unit when it names one, the public
  place when it names one: 东门 → 东门道闸), the cursor
  in the first field still empty; saving it writes the order at once, and the entry
  shows its number;
- ``c`` a complaint: the complaint form, prefilled the same way;
- ``a`` a task: the task form (``task_form.NightTaskForm``), what prefilled from the
  entry, from "handover"; the cursor in by when. Saving it writes the task at once.

Under the night log, the open tasks (``HandoverView.tasks``), the first due first, overdue
ones marked ``!``: carried into every handover until they are done.

ctrl+s, once every entry has its disposition, asks both sides to sign
(``SignHandoverForm``: the night person and their own PIN, the day clerk's own PIN, a
note) and runs ``handover.sign_handover``; the signed handover closes the screen and
turns the timeline's handover item done. Esc closes without signing (orders and complaints
made in place stay: they are real calls). Free text is shown literally (markup off).
"""

from __future__ import annotations

from importlib.resources import files

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskterm.clock import local, now_utc, today_local
from deskterm.display import SYMBOLS, day_label, fit, money, plain, when
from deskterm.duties.parsing import parse_unit_code
from deskterm.duties.shift.handover import DAY_ROLES, Disposition, HandoverView, handover_view
from deskterm.duties.shift.night_log import LogItem
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import add_columns, lines_text, refill, row_table
from deskterm.screens.repairs.call_intake import CallIntakeScreen
from deskterm.screens.repairs.complaint_form import ComplaintFormScreen
from deskterm.screens.shift.handover_sign import SignHandoverForm
from deskterm.screens.shift.night_log_form import TIME_WIDTH, log_cells
from deskterm.screens.shift.task_form import NightTaskForm

CSS = str(files("deskterm.styles") / "handover.tcss")
TITLE_WIDTH = 76  # inside the border and padding
#: "Taken as" holds an order's number whole (WX-202611-0042).
TAKEN_WIDTH = 14
COLUMNS = ((N_("Time"), TIME_WIDTH), ("", 1), (N_("Taken as"), TAKEN_WIDTH), (N_("Where"), 10),
           (N_("What"), 34))
TAKEN_COLUMN = 2
TAKEN_WORDS = {"taken_over": N_("taken over")}
#: Open tasks listed under the night log at most (the header counts them all).
TASK_LINES = 4


def open_handover(app) -> HandoverScreen | None:
    """F5: the handover for the day clerk at the desk; None (and a word) otherwise."""
    return open_screen(app, HandoverScreen)


def _unit_code(where: str) -> str:
    try:
        parse_unit_code(where)
    except DutyError:
        return ""
    return where.strip()


def title_text(office: str, tz: str) -> str:
    """``Handover — <office> · Thu 11-26``: the office's name is cut, never the day."""
    day = " · " + day_label(today_local(tz))
    return fit(_("Handover — {office}").format(office=office), TITLE_WIDTH - cell_len(day)) + day


class NightEntryPart:
    """A form opened for one night-log entry (mixed in before the form): prefilled from
    it, the cursor in the first of ``FILL_ORDER`` still empty, its draft its own."""

    CHANNEL = "phone"
    FILL_ORDER: tuple[str, ...] = ()

    def __init__(self, session, item: LogItem) -> None:
        super().__init__(session, channel=self.CHANNEL)
        self.item = item

    def on_mount(self) -> None:  # runs before the forms' own on_mount (the kit's last)
        for name, value in self.prefill(self.item).items():
            self.set_initial(name, value)

    def prefill(self, item: LogItem) -> dict[str, str]:
        raise NotImplementedError

    def first_focus(self):
        if any((self.value(name) or "").strip() for name in ("name", "unit", "phone")):
            for name in self.FILL_ORDER:
                if not (self.value(name) or "").strip():
                    return self.widget(name)
        return super().first_focus()

    def draft_subject(self) -> str:
        return f"night-log-{self.item.id}"


def _text(item: LogItem) -> str:
    return " ".join(p for p in (item.where, item.what) if p)


class NightCallIntake(NightEntryPart, CallIntakeScreen):
    """Call intake for a night-log entry: channel "night log", the night person as caller."""

    CHANNEL = "night_log"
    FILL_ORDER = ("name", "unit", "phone", "request")

    def prefill(self, item: LogItem) -> dict[str, str]:
        return {"name": item.writer, "unit": _unit_code(item.where), "request": _text(item)}

    def place_hint(self) -> str:
        """A public place the entry names ("东门" → 东门道闸), once the places are read: the
        order is then for it, and the night person needs no phone."""
        return self.value("unit") or _text(self.item)


class NightComplaint(NightEntryPart, ComplaintFormScreen):
    """The complaint form for a night-log entry, prefilled from it."""

    FILL_ORDER = ("name", "unit", "phone", "description")

    def prefill(self, item: LogItem) -> dict[str, str]:
        return {"unit": _unit_code(item.where), "description": _text(item)}


class HandoverScreen(BookScreen):
    CSS_PATH = CSS
    PREFIX = "ho"
    COVERS = True
    ROLES = frozenset(DAY_ROLES)
    BINDINGS = [
        Binding("t", "dispose('taken_over')", show=False),
        Binding("o", "dispose('order')", show=False),
        Binding("c", "dispose('complaint')", show=False),
        Binding("a", "dispose('task')", show=False),
        Binding("r", "reread", show=False),
        Binding("ctrl+s", "sign", show=False, priority=True),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="handover")
        self.view: HandoverView | None = None
        self.dispositions: dict[int, Disposition] = {}
        self.labels: dict[int, str] = {}  # entry id -> what it became (order number...)
        self._after_read = ""  # said once the list is read again

    def compose(self) -> ComposeResult:
        with Vertical(id="ho-form", classes="form"):
            yield Static(plain(title_text(self.office.name, self.session.tz)),
                         classes="form-title", markup=False)
            yield Static(plain("…"), id="ho-figures", markup=False)
            yield row_table("ho-table")
            yield Static(plain(""), id="ho-detail", markup=False)
            yield Static(plain(""), id="ho-tasks", markup=False)
            yield self.message_line()
            yield Static(plain(_("t taken over · o order · c complaint · a task · ctrl+s sign "
                                 "· Esc close")), classes="form-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#ho-table", DataTable)
        add_columns(table, COLUMNS)
        self.set_focus(table)
        self.read()

    # --- reading ---------------------------------------------------------------------------
    def fetch(self) -> HandoverView:
        return handover_view(self.office)

    def show(self, view: HandoverView) -> None:
        self.view = view
        self.rows = view.entries
        ids = {e.id for e in view.entries}
        self.dispositions = {k: v for k, v in self.dispositions.items() if k in ids}
        f = view.figures
        figures = _("Open orders {orders} ({overdue} overdue) · overdue callbacks {callbacks} "
                    "· cash not banked {cash}").format(
            orders=f.open_orders, overdue=f.overdue_orders, callbacks=f.overdue_callbacks,
            cash=money(f.undeposited))
        night = _("Night log since the last handover: {count} items").format(
            count=len(view.entries)) if view.entries else _(
            "Nothing in the night log since the last handover.")
        if view.last is not None:
            night += " " + _("(last signed {when}, {night} → {day})").format(
                when=local(view.last.signed_at, self.session.tz).format("MM-DD HH:mm"),
                night=view.last.from_name, day=view.last.to_name)
        self.query_one("#ho-figures", Static).update(plain(figures + "\n" + night))
        refill(self.query_one("#ho-table", DataTable),
               ((str(item.id), self._cells(item)) for item in view.entries))
        self.on_data_table_row_highlighted(None)
        self.query_one("#ho-tasks", Static).update(lines_text(self._task_lines(view)))
        if self._after_read:  # why it was read again
            self.say(self._after_read)
            self._after_read = ""

    def _task_lines(self, view: HandoverView) -> list[str]:
        """The open tasks carried into this handover: a count, then the first due."""
        tasks = view.tasks
        if tasks is None or not tasks.count:
            return [_("No open tasks.")]
        now, tz = now_utc(), self.session.tz
        lines = [_("Open tasks {count} ({overdue} overdue), the first due first:").format(
            count=tasks.count, overdue=tasks.overdue)]
        for task in tasks.lines[:TASK_LINES]:
            mark = SYMBOLS["overdue"] if task.overdue(now) else " "
            who = fit(task.assigned or "—", 8)
            who += " " * (8 - cell_len(who))
            lines.append(fit(f"{when(task.due_at, tz, now):<11} {mark} {who} {task.title}",
                             TITLE_WIDTH))
        if tasks.count > TASK_LINES:
            lines.append(_("… {more} more: F10 j lists them all").format(
                more=tasks.count - TASK_LINES))
        return lines

    def _taken(self, entry_id: int) -> str:
        disposition = self.dispositions.get(entry_id)
        if disposition is None:
            return "—"
        return self.labels.get(entry_id) or _(TAKEN_WORDS.get(disposition.kind,
                                                              disposition.kind))

    def _cells(self, item: LogItem) -> list:
        time, action, where, what = log_cells(item, self.session.tz, now_utc(), 10, 34)
        return [time, action, plain(fit(self._taken(item.id), TAKEN_WIDTH)), where, what]

    def row_detail(self, item: LogItem | None) -> str:
        if item is None:
            return ""
        return " · ".join(p for p in (item.writer, item.where, item.what) if p)

    # --- dispositions -----------------------------------------------------------------------
    def action_dispose(self, kind: str) -> None:
        item = self.current_row()
        if item is None:
            return
        made = self.dispositions.get(item.id)
        if made is not None and made.kind != "taken_over":
            self.say(_("It is already {what}: that stays.").format(what=self.labels[item.id]))
            return
        if kind == "taken_over":
            self._set(item, Disposition("taken_over"), "")
            return
        forms = {"order": NightCallIntake, "complaint": NightComplaint, "task": NightTaskForm}
        form = forms[kind](self.session, item)
        self.app.push_screen(form, callback=lambda result: self._made(item, kind, result))

    def _made(self, item: LogItem, kind: str, made) -> None:
        if made is None:
            return
        if kind == "order":
            _entry, order = made
            if order is None:
                self.say(_("That was written to the register but is no repair order: "
                           "mark the item again."))
                return
            self._set(item, Disposition("order", order_id=order.id), order.number)
        elif kind == "task":
            due = local(made.due_at, self.session.tz)
            shown = due.format("HH:mm") if due.date() == today_local(self.session.tz) \
                else due.format("MM-DD")
            self._set(item, Disposition("task", task_id=made.id),
                      _("task {when}").format(when=shown))
            self.read()  # the open tasks, with it
        else:
            self._set(item, Disposition("complaint", complaint_id=made.id), made.number)

    def _set(self, item: LogItem, disposition: Disposition, label: str) -> None:
        self.dispositions[item.id] = disposition
        if label:
            self.labels[item.id] = label
        table = self.query_one("#ho-table", DataTable)
        table.update_cell_at((table.get_row_index(str(item.id)), TAKEN_COLUMN),
                             plain(fit(self._taken(item.id), TAKEN_WIDTH)))
        self.say("")
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    # --- signing --------------------------------------------------------------------------
    def action_sign(self) -> None:
        if self.view is None:
            return
        left = [e for e in self.view.entries if e.id not in self.dispositions]
        if left:
            self.say(_("{count} items still need t, o, c or a.").format(count=len(left)))
            table = self.query_one("#ho-table", DataTable)
            table.move_cursor(row=self.view.entries.index(left[0]))
            return
        self.app.push_screen(SignHandoverForm(self.session, self.view, dict(self.dispositions)),
                             callback=self._signed)

    def _signed(self, result) -> None:
        if result is None:
            return
        if isinstance(result, str):  # the night log changed meanwhile: read it again
            self._after_read = result
            self.read()
            return
        self.app.notify(_("Handover signed."), markup=False)
        self.dismiss(result)
