"""The canteen (食堂) [5.10]: today's purchases (item, quantity as on the slip, amount,
supplier, who bought it, who checked it) with the day's total. ``n`` adds a purchase
(``PurchaseForm`` → ``canteen.add_purchase``), ``k`` checks every purchase of the day
not checked yet (the person at the desk is the checker; the calendar's canteen check is
then done), ``e`` writes a person's meals of today (``MealsForm``), ``m`` opens
``MealFeesScreen`` at last month: meals and meals × price per person and in all; ``[`` /
``]`` step the month, ``h`` records it handed to finance (the 15th's deadline). Esc
closes. Both are ``BackofficeBook``s: read and written through the kit's worker.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Static

from deskterm.clock import local
from deskterm.display import long_day, money, plain
from deskterm.duties.backoffice import canteen
from deskterm.duties.months import shift_month
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.screens.backoffice.backoffice_book import BackofficeBook
from deskterm.screens.backoffice.backoffice_form import MealsForm, PurchaseForm
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.periods import MONTH_BINDINGS, MonthSteps
from deskterm.screens.kit.tables import lines_text


def open_canteen(app) -> CanteenScreen | None:
    """Today's canteen purchases (a signed-in desk only); the pushed screen, or None."""
    return open_screen(app, CanteenScreen)


def purchase_cells(row: canteen.Purchase) -> tuple[str, ...]:
    checked = ("✓ " + row.checked_by) if row.checked else "—"
    return (row.item, row.quantity, money(row.amount), row.supplier or "—",
            row.bought_by or "—", checked)


def day_text(rows: list[canteen.Purchase], meals: dict[int, tuple[int, int]]) -> list[str]:
    """The purchases' and the meals' figures of the day, two lines."""
    checked = sum(1 for r in rows if r.checked)
    if not rows:
        first = _("No purchases yet today: n adds one.")
    else:
        first = _("Purchases: {n} · {total} · checked {checked}, to check {left}").format(
            n=len(rows), total=money(sum(r.amount for r in rows)), checked=checked,
            left=len(rows) - checked)
    eaten = sum(n for n, _price in meals.values())
    return [first, _("Meals today: {meals} (persons: {people}) · {amount}").format(
        meals=eaten, people=sum(1 for n, _p in meals.values() if n),
        amount=money(sum(n * price for n, price in meals.values())))]


class CanteenScreen(BackofficeBook):
    PREFIX = "ct"
    HEADING = N_("Canteen purchases")
    HINT = N_("n add · k check the day · e meals today · m last month's meal fees · Esc")
    #: Widths in cells, one cell of gap each: at most 74 in all (the box's inside) less a
    #: vertical scrollbar's cell.
    COLUMNS = ((N_("Item"), 13), (N_("Quantity"), 9), (N_("Amount"), 11),
               (N_("Supplier"), 11), (N_("Bought by"), 11), (N_("Checked"), 12))
    BINDINGS = [
        Binding("n", "add", show=False),
        Binding("k", "check", show=False),
        Binding("m", "meal_fees", show=False),
        Binding("e", "meals", show=False),
    ]

    def __init__(self, session) -> None:
        super().__init__(session, id="canteen")
        self.rows: list[canteen.Purchase] = []

    def compose_below(self):
        yield Static(plain("…"), id="ct-total", markup=False)

    def fetch(self):
        day = canteen.today(self.office)
        return (day, canteen.purchases_on(self.office, day),
                canteen.meals_on(self.office, day))

    def show(self, data) -> None:
        day, rows, meals = data
        self.rows = rows
        self.set_line("title", _("Canteen purchases of {day}").format(day=long_day(day)))
        self.show_rows([purchase_cells(row) for row in rows], [f"p{row.id}" for row in rows])
        self.set_line("total", lines_text(day_text(rows, meals or {}), 74))

    def action_add(self) -> None:
        self.app.push_screen(PurchaseForm(self.session), callback=self._added)

    def _added(self, row) -> None:
        if row is not None:
            self.tell(_("{item} added.").format(item=row.item))
            self.read()

    def action_check(self) -> None:
        self.act(lambda: canteen.check_purchases(self.office, self.session.staff),
                 self._checked, group="check")

    def _checked(self, n: int) -> None:
        self.tell(_("Purchases checked: {n}.").format(n=n))
        self.read()

    def action_meals(self) -> None:
        self.app.push_screen(MealsForm(self.session), callback=self._meals_saved)

    def _meals_saved(self, written) -> None:
        if written is not None:
            self.tell(_("Meals saved."))
            self.read()

    def action_meal_fees(self) -> None:
        self.app.push_screen(MealFeesScreen(self.session))


def price_text(prices: tuple[int, ...]) -> str:
    return " / ".join(money(p) for p in prices) if prices else "—"


class MealFeesScreen(MonthSteps, BackofficeBook):
    """A month's meal fees, last month first; ``[`` / ``]`` step, ``h`` hands it over."""

    PREFIX = "mf"
    HEADING = N_("Meal fees")
    HINT = N_("[ ] month before/after · h handed to finance · Esc close")
    COLUMNS = ((N_("Name"), 16), (N_("Meals"), 7), (N_("Price"), 20), (N_("Amount"), 14))
    HAND_DUTY = staticmethod(canteen.hand_meal_fees)
    BINDINGS = [
        *MONTH_BINDINGS,
        Binding("h", "hand", show=False),
    ]

    def __init__(self, session, month: str | None = None) -> None:
        super().__init__(session, id="meal-fees")
        self.month = month or canteen.last_month(session.office)
        self.fees: canteen.MealFees | None = None

    def compose_below(self):
        yield Static(plain("…"), id="mf-total", markup=False)

    def first_key(self) -> tuple:
        return (self.month,)

    def fetch(self, month: str):
        return canteen.meal_fees(self.office, month)

    def show(self, fees: canteen.MealFees, _month: str) -> None:
        self.fees, self.month = fees, fees.month
        self.set_line("title", _("Meal fees of {month}").format(month=fees.month))
        self.show_rows([(person.name, str(person.meals), price_text(person.prices),
                         money(person.amount)) for person in fees.people],
                       [f"s{person.staff_id}" for person in fees.people])
        lines = [_("Persons: {people} · meals: {meals} · in all {amount}").format(
            people=len(fees.people), meals=fees.meals, amount=money(fees.amount))]
        if fees.handed_at is not None:
            lines.append(_("✓ Handed to finance {at} by {who}").format(
                at=local(fees.handed_at, self.session.tz).format("YYYY-MM-DD HH:mm"),
                who=fees.handed_by))
        else:
            lines.append(_("Not handed to finance yet (due by the 15th)."))
        self.set_line("total", lines_text(lines, 76))

    def action_step(self, by: int) -> None:
        """The month before (-1) or after (1) the one shown (no month field here)."""
        try:
            month = shift_month(self.month, by)
        except DutyError as exc:
            self.say(exc.message)
            return
        self.say("")
        self.read(month)

    def handable_month(self) -> str | None:
        return self.month if self.fees is not None else None
