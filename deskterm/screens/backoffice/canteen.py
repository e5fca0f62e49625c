"""The canteen [5.10]: today's purchases and the desk's check of them, and last month's
meal fees for finance.

``open_canteen(app)`` shows today's purchases (item, quantity as on the slip, amount,
supplier, who bought it, who checked it) with the day's total. ``n`` adds a purchase
(``BackofficeForm`` → ``canteen.add_purchase``), ``k`` checks every purchase of the day
not checked yet (the person at the desk is the checker; the calendar's canteen check is
then done), ``m`` opens ``MealFeesScreen`` at last month: meals and meals × price per
person and in all; ``[`` / ``]`` step the month, ``h`` records it handed to finance (the
15th's deadline). Esc closes.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from deskterm.clock import local
from deskterm.db.models import database
from deskterm.display import fit, long_day, money, plain
from deskterm.duties.backoffice import canteen
from deskterm.duties.months import shift_month
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import _
from deskterm.screens.backoffice.backoffice_form import CSS, BackofficeForm, Field

#: Column widths in cells, one cell of gap each: at most 74 in all (the box's inside)
#: less a vertical scrollbar's cell.
PURCHASE_COLUMNS = (("item", 13), ("quantity", 9), ("amount", 11), ("supplier", 11),
                    ("bought_by", 11), ("checked", 12))
MEAL_COLUMNS = (("name", 16), ("meals", 7), ("price", 20), ("amount", 14))


def open_canteen(app) -> CanteenScreen | None:
    """Today's canteen purchases (a signed-in desk only); the pushed screen, or None."""
    if app.session.staff is None:
        return None
    screen = CanteenScreen(app.session)
    app.push_screen(screen)
    return screen


def purchase_cells(row: canteen.Purchase) -> list[Text]:
    checked = ("✓ " + row.checked_by) if row.checked else "—"
    cells = (row.item, row.quantity, money(row.amount), row.supplier or "—",
             row.bought_by or "—", checked)
    return [plain(fit(cell, width)) for cell, (_key, width) in
            zip(cells, PURCHASE_COLUMNS, strict=True)]


def add_columns(table: DataTable, columns, labels: dict[str, str]) -> None:
    for key, width in columns:
        table.add_column(plain(fit(labels[key], width)), width=width + 1, key=key)


class CanteenScreen(ModalScreen[None]):
    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("n", "add", show=False),
        Binding("k", "check", show=False),
        Binding("m", "meal_fees", show=False),
        Binding("e", "meals", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(id="canteen", classes="bo-modal")
        self.session = session
        self.rows: list[canteen.Purchase] = []
        self.loads = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="ct-form", classes="form bo-wide"):
            yield Static(plain(_("Canteen purchases")), id="ct-title", classes="form-title",
                         markup=False)
            yield DataTable(id="ct-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain("…"), id="ct-total", markup=False)
            yield Static(plain(""), id="ct-result", markup=False)
            yield Static(plain(_("n add · k check the day · e meals today · m last month's meal "
                                 "fees · Esc")), classes="form-hint", markup=False)

    def on_mount(self) -> None:
        add_columns(self.query_one("#ct-table", DataTable), PURCHASE_COLUMNS, {
            "item": _("Item"), "quantity": _("Quantity"), "amount": _("Amount"),
            "supplier": _("Supplier"), "bought_by": _("Bought by"),
            "checked": _("Checked")})
        self.query_one("#ct-table", DataTable).focus()
        self._load()

    @work(thread=True, exclusive=True, group="canteen-load")
    def _load(self) -> None:
        try:
            with database.connection_context():
                day = canteen.today(self.session.office)
                rows = canteen.purchases_on(self.session.office, day)
                meals = canteen.meals_on(self.session.office, day)
        except Exception as exc:  # noqa: BLE001 - the screen says so; Esc still closes it
            self.app.call_from_thread(self._say, "✗ " + str(exc))
            return
        self.app.call_from_thread(self._show, day, rows, meals)

    def _show(self, day, rows: list[canteen.Purchase],
              meals: dict[int, tuple[int, int]] | None = None) -> None:
        self.rows = rows
        self.query_one("#ct-title", Static).update(plain(
            _("Canteen purchases of {day}").format(day=long_day(day))))
        table = self.query_one("#ct-table", DataTable)
        table.clear()
        for row in rows:
            table.add_row(*purchase_cells(row), key=f"p{row.id}")
        checked = sum(1 for r in rows if r.checked)
        if not rows:
            text = _("No purchases yet today: n adds one.")
        else:
            text = _("Purchases: {n} · {total} · checked {checked}, to check {left}").format(
                n=len(rows), total=money(sum(r.amount for r in rows)), checked=checked,
                left=len(rows) - checked)
        meals = meals or {}
        eaten = sum(n for n, _price in meals.values())
        text += "\n" + _("Meals today: {meals} (persons: {people}) · {amount}").format(
            meals=eaten, people=sum(1 for n, _p in meals.values() if n),
            amount=money(sum(n * price for n, price in meals.values())))
        self.query_one("#ct-total", Static).update(
            Text("\n").join(plain(fit(line, 74)) for line in text.split("\n")))
        self.loads += 1

    def _say(self, text: str) -> None:
        self.query_one("#ct-result", Static).update(plain(text))

    def action_add(self) -> None:
        office, clerk = self.session.office, self.session.staff

        def save(values: dict):
            return canteen.add_purchase(office, clerk, **values)

        fields = [
            Field("item", _("Item"), max_length=canteen.NAME_LIMIT),
            Field("quantity", _("Quantity"), max_length=canteen.QUANTITY_LIMIT,
                  placeholder=_("as on the slip: 5 kg")),
            Field("amount", _("Amount"), max_length=16, placeholder="98.00"),
            Field("supplier", _("Supplier"), max_length=canteen.NAME_LIMIT),
            Field("bought_by", _("Bought by"), max_length=canteen.NAME_LIMIT),
        ]
        self.app.push_screen(BackofficeForm(
            _("A canteen purchase"), fields, save, form_id="ct-add",
            check=lambda values: canteen.purchase_errors(**values)), callback=self._added)

    def _added(self, row) -> None:
        if row is not None:
            self._say(_("✓ {item} added.").format(item=row.item))
            self._load()

    def action_check(self) -> None:
        self._check()

    @work(thread=True, exclusive=True, group="canteen-check")
    def _check(self) -> None:
        try:
            with database.connection_context():
                n = canteen.check_purchases(self.session.office, self.session.staff)
        except DeskError as exc:
            self.app.call_from_thread(self._say, "✗ " + exc.message)
            return
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._say, "✗ " + str(exc))
            return
        self.app.call_from_thread(self._checked, n)

    def _checked(self, n: int) -> None:
        self._say(_("✓ Purchases checked: {n}.").format(n=n))
        self._load()

    def action_meals(self) -> None:
        self._meal_form()

    @work(thread=True, exclusive=True, group="canteen-eaters")
    def _meal_form(self) -> None:
        try:
            with database.connection_context():
                people = canteen.eaters(self.session.office)
                price = canteen.last_price(self.session.office)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._say, "✗ " + str(exc))
            return
        self.app.call_from_thread(self._push_meal_form, people, price)

    def _push_meal_form(self, people: list[tuple[int, str]], price: int | None) -> None:
        office, clerk = self.session.office, self.session.staff

        def save(values: dict):
            person = values["person"]
            if person is None:
                raise DutyError(_("Choose who ate."), "person")
            try:
                return canteen.record_meals(office, clerk, None, {person: values["meals"]},
                                            values["price"])
            except DutyError as exc:
                field = "meals" if (exc.field or "").startswith("meals") else exc.field
                raise DutyError(exc.message, field) from None

        fields = [
            Field("person", _("Person"), options=tuple((plain(name), sid) for sid, name in people)),
            Field("meals", _("Meals"), "1", max_length=1,
                  placeholder=_("0 to {n}").format(n=canteen.MEALS_A_DAY)),
            Field("price", _("Price"), money(price).lstrip("¥") if price else "",
                  max_length=12, placeholder="12.00"),
        ]
        self.app.push_screen(BackofficeForm(
            _("Meals today"), fields, save, form_id="ct-meals",
            hint=_("A person's meals of today replace what was written. ctrl+s save · Esc")),
            callback=self._meals_saved)

    def _meals_saved(self, written) -> None:
        if written is not None:
            self._say(_("✓ Meals saved."))
            self._load()

    def action_meal_fees(self) -> None:
        self.app.push_screen(MealFeesScreen(self.session))

    def action_close(self) -> None:
        self.dismiss(None)


def price_text(prices: tuple[int, ...]) -> str:
    return " / ".join(money(p) for p in prices) if prices else "—"


class MealFeesScreen(ModalScreen[None]):
    """A month's meal fees, last month first; ``[`` / ``]`` step, ``h`` hands it over."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("left_square_bracket", "step(-1)", show=False, priority=True),
        Binding("right_square_bracket", "step(1)", show=False, priority=True),
        Binding("pageup", "step(-1)", show=False, priority=True),
        Binding("pagedown", "step(1)", show=False, priority=True),
        Binding("h", "hand", show=False),
    ]

    def __init__(self, session, month: str | None = None) -> None:
        super().__init__(id="meal-fees", classes="bo-modal")
        self.session = session
        self.month = month or canteen.last_month(session.office)
        self.fees: canteen.MealFees | None = None
        self.asked = 0
        self.loads = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="mf-form", classes="form bo-wide"):
            yield Static(plain(_("Meal fees")), id="mf-title", classes="form-title",
                         markup=False)
            yield DataTable(id="mf-table", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain("…"), id="mf-total", markup=False)
            yield Static(plain(""), id="mf-result", markup=False)
            yield Static(plain(_("[ ] month before/after · h handed to finance · Esc close")),
                         classes="form-hint", markup=False)

    def on_mount(self) -> None:
        add_columns(self.query_one("#mf-table", DataTable), MEAL_COLUMNS, {
            "name": _("Name"), "meals": _("Meals"), "price": _("Price"),
            "amount": _("Amount")})
        self.query_one("#mf-table", DataTable).focus()
        self.read(self.month)

    def read(self, month: str) -> None:
        self.asked += 1
        self._load(month, self.asked)

    @work(thread=True, group="meal-fees")
    def _load(self, month: str, asked: int) -> None:
        try:
            with database.connection_context():
                fees = canteen.meal_fees(self.session.office, month)
        except Exception as exc:  # noqa: BLE001 - the screen says so; Esc still closes it
            self.app.call_from_thread(self._say, "✗ " + str(exc))
            return
        self.app.call_from_thread(self._show, asked, fees)

    def _show(self, asked: int, fees: canteen.MealFees) -> None:
        if asked != self.asked:
            return
        self.fees, self.month = fees, fees.month
        self.query_one("#mf-title", Static).update(plain(
            _("Meal fees of {month}").format(month=fees.month)))
        table = self.query_one("#mf-table", DataTable)
        table.clear()
        for person in fees.people:
            cells = (person.name, str(person.meals), price_text(person.prices),
                     money(person.amount))
            table.add_row(*[plain(fit(c, w)) for c, (_k, w) in
                            zip(cells, MEAL_COLUMNS, strict=True)], key=f"s{person.staff_id}")
        lines = [_("Persons: {people} · meals: {meals} · in all {amount}").format(
            people=len(fees.people), meals=fees.meals, amount=money(fees.amount))]
        if fees.handed_at is not None:
            lines.append(_("✓ Handed to finance {at} by {who}").format(
                at=local(fees.handed_at, self.session.tz).format("YYYY-MM-DD HH:mm"),
                who=fees.handed_by))
        else:
            lines.append(_("Not handed to finance yet (due by the 15th)."))
        self.query_one("#mf-total", Static).update(
            Text("\n").join(plain(fit(line, 76)) for line in lines))
        self.loads += 1

    def _say(self, text: str) -> None:
        self.query_one("#mf-result", Static).update(plain(text))

    def action_step(self, by: int) -> None:
        try:
            month = shift_month(self.month, by)
        except DutyError as exc:
            self._say("✗ " + exc.message)
            return
        self._say("")
        self.read(month)

    def action_hand(self) -> None:
        self._hand(self.month)

    @work(thread=True, exclusive=True, group="meal-fees-hand")
    def _hand(self, month: str) -> None:
        try:
            with database.connection_context():
                canteen.hand_meal_fees(self.session.office, self.session.staff, month)
        except DeskError as exc:
            self.app.call_from_thread(self._say, "✗ " + exc.message)
            return
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._say, "✗ " + str(exc))
            return
        self.app.call_from_thread(self._handed, month)

    def _handed(self, month: str) -> None:
        self._say(_("✓ The meal fees of {month} are recorded as handed to finance.").format(
            month=month))
        self.read(month)

    def action_close(self) -> None:
        self.dismiss(None)
