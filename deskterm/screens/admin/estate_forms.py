"""The manager's changes to the estate (``estate_book``): a district (``d``), a building
(``b``), a unit the roster lacks (``u``), a public place (``p``), a new name for the
highlighted row (``r``) and a district's customer-service supervisor (``s``).

``EstateForm`` is one ``DeskForm`` for all six; the fields depend on the change. The
district of a new building, unit or place is proposed from the highlighted row. ``save``
runs the duty of ``estate_admin`` (or ``roster_estate.add_unit``); a refusal is said under
its field and changes nothing. These changes do not ask the manager's PIN, unlike the
staff book's: they hand no one a right or money, and each is in the change log with the
manager's name (the desk's idle lock guards an unattended desk). Success dismisses with
``(kind, id)`` of the row made or changed, and the book reads itself again with it
highlighted. No draft is kept: each is a line or two.
"""

from __future__ import annotations

from importlib.resources import files

from deskterm.duties.residents import estate_admin as estate
from deskterm.duties.residents.roster_estate import add_unit
from deskterm.i18n import N_, _
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm

TITLES = {
    "district": N_("A new district"),
    "building": N_("A new building"),
    "unit": N_("A unit the roster lacks"),
    "place": N_("A new public place"),
    "rename": N_("A new name for {name}"),
    "supervisor": N_("Customer-service supervisor of {name}"),
}
NOTES = {
    "district": N_("Its code is the next free number unless you give one."),
    "building": N_("Units come from the roster, or one by one with u."),
    "unit": N_("A shop, the clubhouse, a room of the office: written like 3-2-501."),
    "place": N_("Where orders that belong to no home are done: the east gate, a road."),
    "rename": N_("Orders and the log keep the row; only the name changes."),
    "supervisor": N_("The month-end handover of the district's orders goes to them."),
}
NAME_HINTS = {
    "district": N_("like 东区"), "place": N_("like 东门道闸"), "rename": "",
}


class EstateForm(DeskForm[tuple[str, int] | None]):
    """One change: ``change`` one of TITLES; ``row`` the highlighted ``EstateRow``."""

    CSS_PATH = str(files("deskterm.styles") / "admin.tcss")
    PREFIX = "ef"
    ENTER_SAVES = True

    def __init__(self, session, change: str, row: estate.EstateRow | None,
                 districts: list[tuple[str, int]], supervisors: list[tuple[str, int]]) -> None:
        if change not in TITLES:
            raise ValueError(f"unknown change {change!r}")
        name = row.name if row is not None else ""
        super().__init__(session, id="estate-change",
                         title=_(TITLES[change]).format(name=name), note=_(NOTES[change]))
        self.change, self.row = change, row
        self.districts, self.supervisors = districts, supervisors

    def _district(self) -> Field:
        chosen = self.row.district_id if self.row is not None else None
        return Field("district", N_("District"), kind="select", options=self.districts,
                     initial=chosen)

    def form_fields(self):
        change = self.change
        if change in ("district", "place", "rename"):
            label = N_("New name") if change == "rename" else N_("Its name")
            name = Field("name", label, required=N_("Enter its name."), max_length=40,
                         initial=self.row.name if change == "rename" and self.row else "",
                         placeholder=NAME_HINTS[change])
            if change == "district":
                return (name, Field("code", N_("Code"), max_length=10,
                                    placeholder=N_("empty: the next number")))
            return (name, self._district()) if change == "place" else (name,)
        if change == "building":
            return (Field("code", N_("Number"), required=N_("Enter the building's number."),
                          max_length=10, placeholder=N_("like 12")),
                    self._district(),
                    Field("floors", N_("Floors"), max_length=3, placeholder="0"))
        if change == "unit":
            return (Field("unit", N_("Unit"), required=N_("Enter the unit, like 3-2-501."),
                          max_length=20, placeholder="3-2-501"),
                    Field("area", N_("Area (m²)"), required=N_("Give the unit's floor area."),
                          max_length=10, placeholder="89.56"),
                    self._district())
        current = next((value for label, value in self.supervisors
                        if self.row is not None and label == self.row.supervisor), None)
        return (Field("supervisor", N_("Supervisor"), kind="select", options=self.supervisors,
                      blank=N_("(none)"), initial=current),)

    def save(self, values):
        office, manager, row, change = self.office, self.session.staff, self.row, self.change
        district = values.get("district")
        if change == "district":
            made = estate.add_district(office, manager, values["name"], values.get("code") or "")
            return "district", made.id
        if change == "place":
            return "place", estate.add_place(office, manager, values["name"], district).id
        if change == "building":
            return "building", estate.add_building(office, manager, values["code"], district,
                                                   values.get("floors") or 0).id
        if change == "unit":
            name = next((label for label, value in self.districts if value == district), None)
            unit = add_unit(office, manager, values["unit"], values["area"], name)
            return "building", unit.building_id
        if change == "supervisor":
            person = values.get("supervisor")
            return "district", estate.set_supervisor(
                office, manager, row.district_id, person if isinstance(person, int) else "").id
        rename = {"district": estate.rename_district, "building": estate.rename_building,
                  "place": estate.rename_place}[row.kind]
        return row.kind, rename(office, manager, row.id, values["name"]).id

    def saved(self, made: tuple[str, int]) -> None:
        self.app.notify(_("Saved."), markup=False)
        self.dismiss(made)
