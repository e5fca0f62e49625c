"""The staff list and the office's settings: the manager's book (F10 ``x``).

A ``BookScreen`` that only a manager may open (``ROLES``). The table lists everyone of
the office (``staff_admin.staff_lines``): the active first by role, then the leavers;
each with their role, phone and state (a PIN locked by wrong tries says for how long,
someone with no PIN cannot sign in); an active technician's state is the repairs he
takes (he never signs in). The line under it shows the highlighted person in full, a
technician's repairs too. Keys: ``n`` someone new, ``r`` their role, ``p`` a new PIN,
``u`` lift a PIN lockout, ``c`` their phone for dispatch, ``k`` a technician's repair
categories, ``l`` a leaver (``staff_forms``; each asks the manager's
own PIN), ``o`` the office's
settings (``office_form``), ``e`` the estate (``estate_book``). After a change the book reads itself again with that person
highlighted. Esc closes. ``open_staff_book(app)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskterm.display import fit, plain
from deskterm.duties.staff_admin import (
    ROLE_WORDS,
    StaffLine,
    skills_words,
    staff_lines,
    state_words,
)
from deskterm.i18n import N_, _
from deskterm.screens.admin.estate_book import EstateBookScreen
from deskterm.screens.admin.office_form import OfficeSettingsForm
from deskterm.screens.admin.staff_forms import NewPersonForm, SkillsForm, StaffChangeForm
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import (
    add_columns,
    heading,
    hint_line,
    refill,
    row_table,
    text_line,
    title_line,
)

#: Column widths in cells: 65, and a cell of padding either side of each: 73 of the 76
#: inside the box (no sideways scrollbar at 80 columns).
COLUMNS = {"name": 12, "role": 18, "phone": 13, "state": 22}
LABELS = {"name": N_("Name"), "role": N_("Role"), "phone": N_("Phone"),
          "state": N_("State · repairs")}


def state_or_repairs(line: StaffLine) -> str:
    """The table's last column: an active technician's repairs (unless his PIN is locked),
    else the person's state."""
    if line.role == "technician" and line.active and not line.locked_minutes:
        return skills_words(line.skills)
    return state_words(line)


def open_staff_book(app) -> StaffBookScreen | None:
    return open_screen(app, StaffBookScreen)


class StaffBookScreen(BookScreen[None]):
    CSS_PATH = str(files("deskterm.styles") / "admin.tcss")
    PREFIX = "sb"
    ROLES = frozenset({"manager"})
    BINDINGS = [
        Binding("n", "new_person", show=False),
        Binding("r", "change('role')", show=False),
        Binding("p", "change('pin')", show=False),
        Binding("u", "change('unlock')", show=False),
        Binding("l", "change('leave')", show=False),
        Binding("c", "change('contact')", show=False),
        Binding("k", "change('skills')", show=False),
        Binding("o", "office", show=False),
        Binding("e", "estate", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="staff-book")

    def compose(self):
        with Vertical(id="sb-box", classes="form"):
            yield title_line(_("Staff and office — {office}").format(office=self.office.name))
            yield row_table("sb-table")
            yield text_line(id="sb-detail")
            yield text_line("…", id="sb-status")
            yield self.message_line()
            # Two lines: the highlighted person's keys, then the book's own.
            yield hint_line(_("n new · r role · p PIN · u unlock · c phone · k repairs · "
                              "l leaves"))
            yield hint_line(_("o office · e estate · Esc"))

    def on_mount(self) -> None:
        add_columns(self.table, [(_(LABELS[key]), width, False)
                                 for key, width in COLUMNS.items()])
        self.set_focus(self.table)
        self.read()

    @property
    def table(self) -> DataTable:
        return self.query_one("#sb-table", DataTable)

    # --- reading ------------------------------------------------------------------------------
    def fetch(self, select: int | None = None) -> list[StaffLine]:
        return staff_lines(self.office)

    def show(self, lines: list[StaffLine], select: int | None = None) -> None:
        table = self.table
        self.rows = lines
        w = COLUMNS
        refill(table, ((str(line.id), (
            heading(line.name, w["name"]), heading(_(ROLE_WORDS[line.role]), w["role"]),
            heading(line.phone, w["phone"]), heading(state_or_repairs(line), w["state"])))
            for line in lines))
        ids = [line.id for line in lines]
        if select in ids:
            table.move_cursor(row=ids.index(select))
        active = sum(1 for line in lines if line.active)
        locked = sum(1 for line in lines if line.locked_minutes)
        status = _("{n} people, {active} active.").format(n=len(lines), active=active)
        if locked:
            status += " " + _("{n} PINs locked: u lifts a lockout.").format(n=locked)
        self.query_one("#sb-status", Static).update(plain(status))
        self.query_one("#sb-detail", Static).update(plain(self.row_detail(self.current_row())))

    def row_detail(self, line: StaffLine | None) -> str:
        if line is None:
            return ""
        parts = [line.name, _(ROLE_WORDS[line.role]), line.phone, state_words(line)]
        if line.role == "technician":
            parts.append(_("repairs: {repairs}").format(repairs=skills_words(line.skills)))
        return fit(" · ".join(p for p in parts if p), 2 * 76)

    # --- changes ------------------------------------------------------------------------------
    def action_change(self, change: str) -> None:
        line = self.current_row()
        if line is None:
            return
        if not line.active:
            self.say(_("{name} has left: nothing to change.").format(name=line.name))
            return
        if change == "unlock" and not line.locked_minutes:
            self.say(_("{name}'s PIN is not locked.").format(name=line.name))
            return
        if change == "skills" and line.role != "technician":
            self.say(_("{name} is a {role}: only technicians take repair categories.").format(
                name=line.name, role=_(ROLE_WORDS[line.role])))
            return
        self.say("")
        form = (SkillsForm(self.session, line) if change == "skills"
                else StaffChangeForm(self.session, line, change))
        self.app.push_screen(form, callback=self._after)

    def action_new_person(self) -> None:
        self.app.push_screen(NewPersonForm(self.session), callback=self._after)

    def action_office(self) -> None:
        self.app.push_screen(OfficeSettingsForm(self.session),
                             callback=lambda _changed: self.read())

    def action_estate(self) -> None:
        self.app.push_screen(EstateBookScreen(self.session))

    def _after(self, person_id: int | None) -> None:
        if person_id is not None:
            self.read(person_id)
