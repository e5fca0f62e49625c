"""The month's charges for every unit, generated in one action [5.1][5.6]
(``deskterm.duties.cashdesk.fees.generate_monthly_charges``).

The month field starts at this month; as it changes, the preview says (read in a thread
worker, ``fees.preview_monthly_charges``) how many property-fee and parking charges
generating would create, how many are there already, which units are skipped for want of
a floor area, and the rates used. ctrl+s generates (one transaction) and says how many
were created; a second ctrl+s for the same month creates nothing, and says so. A month
that is not one, or too far ahead, is refused under the field and nothing is written.
Esc closes. ``open_charge_generation(app)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Static

from deskterm.db.models import database
from deskterm.display import fit, plain
from deskterm.duties.cashdesk.fees import (
    BASES,
    GENERATED,
    KINDS,
    FeeItemView,
    GenerationResult,
    fee_items,
    generate_monthly_charges,
    preview_monthly_charges,
)
from deskterm.duties.months import this_month
from deskterm.errors import DeskError, DutyError
from deskterm.i18n import _
from deskterm.money import format_fen
from deskterm.screens.kit.lookup_form import LimitedInput, field_box

DEBOUNCE = 0.2
WIDTH = 60
SKIPPED_SHOWN = 6


def _kind_order(kind: str) -> int:
    kinds = list(GENERATED)
    return kinds.index(kind) if kind in kinds else len(kinds)


def rates_text(items: list[FeeItemView]) -> str:
    """``物业服务费 ¥1.80 per m² a month · 车位管理费 ¥150.00 per month``."""
    parts = [f"{i.name} {format_fen(i.rate)} {_(BASES[i.basis])}"
             for i in sorted(items, key=lambda i: (_kind_order(i.kind), i.code))
             if i.active and i.kind in GENERATED]
    return fit(_("Rates: {rates}").format(rates=" · ".join(parts) or "—"), 2 * WIDTH)


def kinds_text(result: GenerationResult) -> str:
    return ", ".join(f"{_(KINDS.get(kind, kind))} {n:,}"
                     for kind, n in sorted(result.by_kind.items(),
                                           key=lambda item: _kind_order(item[0])))


def preview_lines(result: GenerationResult) -> list[str]:
    if result.created:
        first = _("{period}: {n:,} charges to create ({kinds}).").format(
            period=result.period, n=result.created, kinds=kinds_text(result))
    else:
        first = _("{period}: nothing to create.").format(period=result.period)
    lines = [first, _("{n:,} there already.").format(n=result.already)]
    if result.skipped:
        shown = ", ".join(result.skipped[:SKIPPED_SHOWN])
        more = len(result.skipped) - SKIPPED_SHOWN
        if more > 0:
            shown += " " + _("and {n:,} more").format(n=more)
        lines.append(_("Skipped, no floor area: {units}").format(units=shown))
    return [fit(line, 2 * WIDTH) for line in lines]


def done_text(result: GenerationResult) -> str:
    if not result.created:
        return _("Nothing new: the {n:,} charges of {period} were there already.").format(
            n=result.already, period=result.period)
    return _("Created {n:,} charges for {period} ({kinds}).").format(
        n=result.created, period=result.period, kinds=kinds_text(result))


def open_charge_generation(app) -> ChargeGenerationScreen | None:
    """Open the monthly charge generation (a signed-in desk only)."""
    if app.session.staff is None:
        return None
    screen = ChargeGenerationScreen(app.session)
    app.push_screen(screen)
    return screen


class ChargeGenerationScreen(ModalScreen[GenerationResult | None]):
    """Month field, preview, ctrl+s generates. Dismisses with the last result (or None)."""

    CSS_PATH = str(files("deskterm.styles") / "fees.tcss")
    BINDINGS = [
        Binding("escape", "close", show=False),
        Binding("ctrl+s", "generate", show=False, priority=True),
    ]

    def __init__(self, session, month: str | None = None) -> None:
        super().__init__(id="charge-generation")
        self.session = session
        self.month = month or this_month(session.office)
        self.preview: GenerationResult | None = None
        self.result: GenerationResult | None = None
        self.generating = False
        self._timer: Timer | None = None
        self._ticket = 0  # the latest preview asked for
        self._answered = -1  # the latest preview answered (shown or refused)

    def compose(self) -> ComposeResult:
        with Vertical(id="cg-form", classes="form"):
            yield Static(plain(_("Monthly charges")), classes="form-title", markup=False)
            yield field_box("cg", "period", _("Month"), LimitedInput(
                self.month, id="cg-period", compact=True, max_length=12,
                placeholder="2026-11"))
            yield Static(plain(""), id="cg-rates", markup=False)
            yield Static(plain("…"), id="cg-preview", markup=False)
            yield Static(plain(""), id="cg-done", markup=False)
            yield Static(plain(""), id="cg-error-form", classes="lf-error", markup=False)
            yield Static(plain(_("ctrl+s generate · Esc close")), classes="form-hint",
                         markup=False)

    def on_mount(self) -> None:
        self.query_one("#cg-period", Input).focus()
        self.preview_now()

    @property
    def settled(self) -> bool:
        """The preview answers the month field and nothing is being written (for tests)."""
        return self._timer is None and self._answered == self._ticket and not self.generating

    # --- the preview ------------------------------------------------------------------------
    @on(Input.Changed, "#cg-period")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.preview_now)

    @on(Input.Submitted, "#cg-period")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.preview_now()

    def preview_now(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = None
        self._ticket += 1
        self._preview(self._ticket, self.query_one("#cg-period", Input).value)

    @work(thread=True, exclusive=True, group="charge-preview")
    def _preview(self, ticket: int, month: str) -> None:
        try:
            with database.connection_context():
                items = fee_items(self.session.office, active_only=True)
                result = preview_monthly_charges(self.session.office, month)
        except DutyError as exc:
            self.app.call_from_thread(self._refused, ticket, exc.field, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - said on the form; Esc still closes it
            self.app.call_from_thread(self._refused, ticket, None, str(exc))
            return
        self.app.call_from_thread(self._show_preview, ticket, items, result)

    def _refused(self, ticket: int, field: str | None, message: str) -> None:
        if ticket != self._ticket:
            return
        self._answered = ticket
        self.preview = None
        self.query_one("#cg-preview", Static).update(plain(""))
        self._show_error("period" if field == "period" else "form", message)

    def _show_preview(self, ticket: int, items: list[FeeItemView],
                      result: GenerationResult) -> None:
        if ticket != self._ticket:
            return
        self._answered = ticket
        self.preview = result
        self._show_error("period", "")
        self._show_error("form", "")
        self.query_one("#cg-rates", Static).update(plain(rates_text(items)))
        self.query_one("#cg-preview", Static).update(
            Text("\n").join(plain(line) for line in preview_lines(result)))

    def _show_error(self, name: str, message: str) -> None:
        error = self.query_one(f"#cg-error-{name}", Static)
        error.update(plain(("✗ " + message) if message else ""))
        error.set_class(bool(message), "-shown")

    # --- generating -------------------------------------------------------------------------
    def action_generate(self) -> None:
        if self.generating:
            return
        self.generating = True
        self.query_one("#cg-done", Static).update(plain(_("Generating…")))
        self._generate(self.query_one("#cg-period", Input).value)

    @work(thread=True, exclusive=True, group="charge-generation")
    def _generate(self, month: str) -> None:
        try:
            with database.connection_context():
                result = generate_monthly_charges(self.session.office, self.session.staff,
                                                  month)
        except DeskError as exc:
            field = exc.field if isinstance(exc, DutyError) else None
            self.app.call_from_thread(self._not_generated, field, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - a lost database: said on the form
            self.app.call_from_thread(self._not_generated, None,
                                      _("Not generated: {error}").format(error=exc))
            return
        self.app.call_from_thread(self._generated, result)

    def _not_generated(self, field: str | None, message: str) -> None:
        self.generating = False
        self.query_one("#cg-done", Static).update(plain(""))
        self._show_error("period" if field == "period" else "form", message)

    def _generated(self, result: GenerationResult) -> None:
        self.generating = False
        self.result = result
        self.query_one("#cg-done", Static).update(plain(fit(done_text(result), 2 * WIDTH)))
        if result.created:
            self.app.notify(done_text(result), markup=False)
        self.preview_now()

    def action_close(self) -> None:
        if not self.generating:
            self.dismiss(self.result)
