"""The estate: the manager's book of districts, buildings and public places (F10 ``x``,
then ``e``).

A ``BookScreen`` only a manager may open. The table lists each district (its code and
customer-service supervisor), then its buildings in number order (floors, units), then its
public places (orders at each; a retired one says so): ``estate_admin.estate_rows``. Keys:
``d`` a district, ``b`` a building, ``u`` a unit the roster lacks, ``p`` a place (each
proposing the highlighted row's district), ``r`` a new name for the highlighted row, ``s``
the supervisor of the highlighted row's district, ``x`` retires the highlighted place or
brings it back (no form: it is undone by ``x`` again). The forms are ``estate_forms``.
After a change the book reads itself again with the row highlighted. Esc closes.
"""

from __future__ import annotations

from importlib.resources import files

from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable

from deskterm.display import fit
from deskterm.duties.residents.estate_admin import (
    SUPERVISOR_ROLES,
    EstateRow,
    estate_rows,
    set_place_active,
)
from deskterm.duties.staff_admin import staff_lines
from deskterm.i18n import N_, _, ngettext
from deskterm.screens.admin.estate_forms import EstateForm
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.tables import (
    add_columns,
    heading,
    hint_line,
    refill,
    row_table,
    title_line,
)

#: Cells: 66, and a cell of padding either side of each: 74 of the 76 inside the box.
COLUMNS = {"kind": 8, "name": 20, "district": 12, "detail": 26}
LABELS = {"kind": N_("Kind"), "name": N_("Its name"), "district": N_("District"),
          "detail": N_("Details")}
KIND_WORDS = {"district": N_("District"), "building": N_("Building"), "place": N_("Place")}


def open_estate_book(app) -> EstateBookScreen | None:
    return open_screen(app, EstateBookScreen)


def details(row: EstateRow) -> str:
    """What the table says of a row beyond its name."""
    if row.kind == "district":
        parts = [_("code {code}").format(code=row.code),
                 ngettext("{n} building", "{n} buildings", row.units).format(n=row.units)]
        if row.supervisor:
            parts.append(row.supervisor)
        return " · ".join(parts)
    if row.kind == "building":
        parts = [ngettext("{n} unit", "{n} units", row.units).format(n=row.units)]
        if row.floors:
            parts.append(ngettext("{n} floor", "{n} floors", row.floors).format(n=row.floors))
        return " · ".join(parts)
    parts = [ngettext("{n} order", "{n} orders", row.orders).format(n=row.orders)]
    if not row.active:
        parts.append(_("retired"))
    return " · ".join(parts)


class EstateBookScreen(BookScreen[None]):
    CSS_PATH = str(files("deskterm.styles") / "admin.tcss")
    PREFIX = "eb"
    ROLES = frozenset({"manager"})
    BINDINGS = [
        Binding("d", "change('district')", show=False),
        Binding("b", "change('building')", show=False),
        Binding("u", "change('unit')", show=False),
        Binding("p", "change('place')", show=False),
        Binding("r", "change('rename')", show=False),
        Binding("s", "change('supervisor')", show=False),
        Binding("x", "retire", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="estate-book")
        self.supervisors: list[tuple[str, int]] = []

    def compose(self):
        with Vertical(id="eb-box", classes="form"):
            yield title_line(_("Estate — {office}").format(office=self.office.name))
            yield row_table("eb-table")
            yield self.detail_line()
            yield self.message_line()
            yield self.result_line()
            yield hint_line(_("New: d district · b building · u unit · p place"))
            yield hint_line(_("r rename · s supervisor · x retire a place · Esc"))

    def on_mount(self) -> None:
        add_columns(self.table, [(_(LABELS[key]), width, False)
                                 for key, width in COLUMNS.items()])
        self.set_focus(self.table)
        self.read()

    @property
    def table(self) -> DataTable:
        return self.query_one("#eb-table", DataTable)

    # --- reading ------------------------------------------------------------------------------
    def fetch(self, select: tuple[str, int] | None = None):
        people = [(line.name, line.id) for line in staff_lines(self.office)
                  if line.active and line.role in SUPERVISOR_ROLES]
        return estate_rows(self.office), people

    def show(self, data, select: tuple[str, int] | None = None) -> None:
        rows, self.supervisors = data
        self.rows = rows
        w = COLUMNS
        refill(self.table, ((f"{row.kind}:{row.id}", (
            heading(_(KIND_WORDS[row.kind]), w["kind"]),
            heading(row.name, w["name"]),
            heading("" if row.kind == "district" else row.district, w["district"]),
            heading(details(row), w["detail"]))) for row in rows))
        keys = [(row.kind, row.id) for row in rows]
        if select in keys:
            self.table.move_cursor(row=keys.index(select))
        self.show_detail()

    def row_detail(self, row: EstateRow | None) -> str:
        if row is None:
            return _("No district yet: d adds one, or import the roster.")
        parts = [_(KIND_WORDS[row.kind]), row.name, details(row)]
        if row.kind != "district":
            parts.insert(2, row.district)
        return fit(" · ".join(parts), 2 * 76)

    # --- changes ------------------------------------------------------------------------------
    def action_change(self, change: str) -> None:
        row = self.current_row()
        if change in ("rename", "supervisor") and row is None:
            self.say(_("Highlight a row first."))
            return
        if change != "district" and not self.rows:
            self.say(_("No district yet: d adds one, or import the roster."))
            return
        if change == "supervisor" and not self.supervisors:
            self.say(_("Nobody is a customer-service supervisor: add one in the staff book."))
            return
        if change == "supervisor" and row.kind != "district":
            row = next(r for r in self.rows if r.kind == "district" and r.id == row.district_id)
        districts = [(r.name, r.id) for r in self.rows if r.kind == "district"]
        self.say("")
        self.app.push_screen(EstateForm(self.session, change, row, districts, self.supervisors),
                             callback=self._after)

    def action_retire(self) -> None:
        row = self.current_row()
        if row is None or row.kind != "place":
            self.say(_("Only a public place is retired: highlight one."))
            return
        office, manager = self.office, self.session.staff

        def done(place) -> None:
            self.tell(_("{place} is in use again.").format(place=place.name) if place.active
                      else _("{place} is retired: no longer offered; its orders keep the "
                             "name.").format(place=place.name))
            self.read(("place", place.id))

        self.act(lambda: set_place_active(office, manager, row.id, not row.active), done)

    def _after(self, made: tuple[str, int] | None) -> None:
        if made is not None:
            self.read(made)

