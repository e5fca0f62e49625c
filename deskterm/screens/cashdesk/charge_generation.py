"""The month's charges for every unit, generated in one action [5.1][5.6]
(``deskterm.duties.cashdesk.fees.generate_monthly_charges``).

A ``DeskForm`` of one field. The month starts at this month (``[`` and ``]`` step it); as
it changes, the preview says (read in the kit's worker, ``fees.preview_monthly_charges``)
how many property-fee and parking charges generating would create, how many are there
already, which units are skipped for want of a floor area, and the rates used. ctrl+s
generates (one transaction) and says how many were created; a second ctrl+s for the same
month creates nothing, and says so. A month that is not one, or too far ahead, is refused
under the field and nothing is written. Esc closes (the month is not something to keep).
``open_charge_generation(app)`` opens it.
"""

from __future__ import annotations

from importlib.resources import files

from textual.timer import Timer
from textual.widgets import Input, Static

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
from deskterm.duties.months import shift_month, this_month
from deskterm.errors import DutyError
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.periods import STEP_BINDINGS
from deskterm.screens.kit.tables import lines_text

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
    return open_screen(app, ChargeGenerationScreen)


class ChargeGenerationScreen(DeskForm[GenerationResult | None]):
    """Month field, preview, ctrl+s generates. Dismisses with the last result (or None)."""

    CSS_PATH = str(files("deskterm.styles") / "fees.tcss")
    PREFIX = "cg"
    TITLE_TEXT = N_("Monthly charges")
    HINT = N_("ctrl+s generate · [ ] month · Esc close")
    BINDINGS = [
        *STEP_BINDINGS,
    ]

    def __init__(self, session, month: str | None = None) -> None:
        super().__init__(session, id="charge-generation")
        self.month = month or this_month(session.office)
        self.preview: GenerationResult | None = None
        self.result: GenerationResult | None = None
        self._timer: Timer | None = None
        self._ticket = 0  # the latest preview asked for
        self._answered = -1  # the latest preview answered (shown or refused)

    def form_fields(self):
        # Not kept: Esc never asks about a month, and there is no draft of one.
        return (Field("period", N_("Month"), kind="month", max_length=12,
                      placeholder="2026-11", initial=self.month, keep=False),)

    def compose_body(self):
        yield self.field("period")
        yield Static(plain(""), id="cg-rates", markup=False)
        yield Static(plain("…"), id="cg-preview", markup=False)
        yield Static(plain(""), id="cg-done", markup=False)

    def on_mount(self) -> None:  # Textual calls DeskForm.on_mount after this one
        self.preview_now()

    @property
    def settled(self) -> bool:
        """The preview answers the month field and nothing is being written (for tests)."""
        return self._timer is None and self._answered == self._ticket and not self.saving

    # --- the month and its preview ------------------------------------------------------------
    def action_step(self, by: int) -> None:
        try:
            month = shift_month(self.value("period") or "", by)
        except DutyError as exc:
            self.show_error("period", exc.message)
            return
        self.set_value("period", month)

    def field_changed(self, name: str) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.preview_now)

    def entered(self, field: Input) -> bool:
        self.preview_now()
        return True

    def preview_now(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = None
        self._ticket += 1
        ticket, month = self._ticket, self.value("period") or ""
        run_duty(self, lambda: (fee_items(self.office, active_only=True),
                                preview_monthly_charges(self.office, month)),
                 done=lambda found: self._show_preview(ticket, *found),
                 refused=lambda field, message: self._not_previewed(ticket, field, message),
                 group="cg-preview", exclusive=False, load=True)

    def _not_previewed(self, ticket: int, field: str, message: str) -> None:
        if ticket != self._ticket:
            return
        self._answered = ticket
        self.preview = None
        self.query_one("#cg-preview", Static).update(plain(""))
        self.show_error(self.field_of(field) if field else "form", message)

    def _show_preview(self, ticket: int, items: list[FeeItemView],
                      result: GenerationResult) -> None:
        if ticket != self._ticket:
            return
        self._answered = ticket
        self.preview = result
        self.show_error("period", "")
        self.show_error("form", "")
        self.query_one("#cg-rates", Static).update(plain(rates_text(items)))
        self.query_one("#cg-preview", Static).update(lines_text(preview_lines(result)))

    # --- generating -------------------------------------------------------------------------
    def action_save(self) -> None:
        if not self.saving:
            self.query_one("#cg-done", Static).update(plain(_("Generating…")))
        super().action_save()

    def save(self, values):
        return generate_monthly_charges(self.office, self.session.staff,
                                        values["period"] or "")

    def refused(self, field: str, message: str) -> None:
        self.query_one("#cg-done", Static).update(plain(""))
        super().refused(field, message)

    def saved(self, result: GenerationResult) -> None:
        self.result = result
        self.query_one("#cg-done", Static).update(plain(fit(done_text(result), 2 * WIDTH)))
        if result.created:
            self.app.notify(done_text(result), markup=False)
        self.preview_now()

    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(self.result)
