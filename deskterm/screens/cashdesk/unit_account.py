"""A unit's account [5.1][7.4.13]: find the unit with the roster lookup (unit code, phone,
name or pinyin initials, as in call intake and the register search), then what it owes,
what it has paid and its history (``deskterm.duties.cashdesk.account.unit_account``, read in
the kit's worker: a ``BookScreen`` with ``unit_part.UnitPart``).

The lookup box is at the top: type, ↑↓ choose a match, Enter picks it and reads that
unit's account; the matches close and the history takes the cursor. A unit nobody on the
roster lives in is found by its code typed in full (``3-2-501``) and Enter. The dues table lists
what is owed (oldest first), the history table every charge and payment newest first, a
payment with its receipt number, a voided one marked and its reversal beside it; the line
under it shows the highlighted row in full. Tab moves between the box and the tables.
In the tables, Enter on a payment or a reversal opens its receipt (``open_receipt``: print
it again, void it) and ``n`` puts an ad-hoc charge on the unit (``AdHocChargeScreen``: a
water reading, an agency fee, a new parking space's first month); back from either, the
account reads itself again. Esc closes. ``open_unit_account(app, unit_id=None)`` opens it
(at a unit when given one).
"""

from __future__ import annotations

from importlib.resources import files

from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from deskterm.clock import local
from deskterm.display import fit, plain
from deskterm.duties.cashdesk.account import AccountLine, UnitAccount, unit_account
from deskterm.duties.cashdesk.payments import METHOD_WORDS
from deskterm.duties.parsing import format_phone
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.cashdesk.charge_form import AdHocChargeScreen
from deskterm.screens.cashdesk.receipt import open_receipt
from deskterm.screens.cashdesk.unit_part import UnitPart
from deskterm.screens.kit.book import BookScreen
from deskterm.screens.kit.opening import open_screen
from deskterm.screens.kit.owner_lookup import OwnerLookup
from deskterm.screens.kit.tables import (
    add_columns,
    heading,
    hint_line,
    money_cell,
    refill,
    row_table,
    text_line,
    title_line,
    word,
)

LINE_WORDS = {"charge": N_("charge"), "payment": N_("paid"), "reversal": N_("reversal"),
              "voided": N_("voided")}
WIDTH = 76
#: The dues table: period, item, charged, paid, owed (75 cells and one for the scrollbar).
DUES = {"period": 7, "item": 24, "amount": 13, "paid": 13, "owed": 13}
#: The history table.
HISTORY = {"day": 10, "what": 8, "receipt": 8, "text": 18, "amount": 12, "how": 13}


def due_cells(due) -> tuple:
    item = due.fee_item + (f" {due.order_number}" if due.order_number else "")
    return (plain(due.period), heading(item, DUES["item"]),
            money_cell(due.amount, DUES["amount"]), money_cell(due.paid, DUES["paid"]),
            money_cell(due.outstanding, DUES["owed"]))


def line_kind(line: AccountLine) -> str:
    return word(LINE_WORDS, "voided" if line.voided else line.kind)


def history_cells(line: AccountLine, tz: str) -> tuple:
    w = HISTORY
    if line.kind == "charge":
        text, how = f"{line.text} {line.period}", ""
    else:
        text, how = line.text, word(METHOD_WORDS, line.method)
    return (plain(local(line.at, tz).format("YYYY-MM-DD")), heading(line_kind(line), w["what"]),
            plain(line.receipt or "—"), heading(text, w["text"]),
            money_cell(line.amount, w["amount"]), heading(how, w["how"]))


def detail_text(line: AccountLine | None, tz: str) -> str:
    """The highlighted history row in full (two lines at most)."""
    if line is None:
        return ""
    parts = [local(line.at, tz).format("YYYY-MM-DD HH:mm"), line_kind(line),
             format_fen(line.amount)]
    if line.kind == "charge":
        parts += [line.text, line.period, line.note]
    else:
        parts += [_("receipt {number}").format(number=line.receipt) if line.receipt else "",
                  _("reason: {text}").format(text=line.note) if line.note else "",
                  word(METHOD_WORDS, line.method), line.clerk,
                  _("payer {name}").format(name=line.payer) if line.payer else "",
                  _("for {items}").format(items=line.text) if line.text else ""]
    return fit(" · ".join(p for p in parts if p), 2 * WIDTH)


def owners_text(account: UnitAccount) -> str:
    area = f"{account.area_centi_m2 // 100}.{account.area_centi_m2 % 100:02d} m²"
    people = []
    for owner in account.owners:
        text = " ".join([owner.name, *(format_phone(p) for p in owner.phones[:1])])
        if owner.kind == "tenant":
            text += " (" + _("tenant") + ")"
        if not owner.active:
            text += " (" + _("moved out") + ")"
        people.append(text)
    return fit(" · ".join([area, "; ".join(people) or _("nobody on the roster")]), WIDTH)


def totals_text(account: UnitAccount) -> str:
    return fit(_("Owed {owed} ({n} items) · paid {paid} · charged {charged}").format(
        owed=format_fen(account.owed), n=len(account.dues), paid=format_fen(account.paid),
        charged=format_fen(account.charged)), WIDTH)


class AccountLookup(OwnerLookup):
    """The roster lookup, saying what no match means here (no one to type in by hand)."""

    def _show(self, query: str, hits) -> None:
        super()._show(query, hits)
        if query == self._wanted() and query and not hits:
            status = self.query_one("#lookup-status", Static)
            status.update(plain(_("Nobody on the roster matches: Enter reads a unit code "
                                  "typed in full.")))


def open_unit_account(app, unit_id: int | None = None) -> UnitAccountScreen | None:
    """Open a unit's account (a signed-in desk only): at ``unit_id``, or at the lookup."""
    return open_screen(app, UnitAccountScreen, unit_id)


class UnitAccountScreen(UnitPart, BookScreen[None]):
    """Find a unit, then its dues and its history."""

    CSS_PATH = str(files("deskterm.styles") / "fees.tcss")
    PREFIX = "ua"
    LOOKUP = AccountLookup
    BINDINGS = [Binding("n", "new_charge", show=False)]

    def __init__(self, session, unit_id: int | None = None) -> None:
        super().__init__(session, id="unit-account")
        self.unit_id = unit_id
        self.account: UnitAccount | None = None
        self._away = False
        self._wanted: str | None = None  # the history row to highlight once read
        self._charging = False  # the charge form is open: its answer decides the read

    def compose(self):
        with Vertical(id="ua-form", classes="form"):
            yield title_line(_("Unit account"), id="ua-title")
            yield self.unit_lookup()
            yield text_line(_("Type a unit, a phone or a name, then Enter."), id="ua-owners")
            yield text_line(id="ua-totals")
            yield row_table("ua-dues", zebra=False)
            yield row_table("ua-history")
            yield text_line(id="ua-detail")
            yield self.message_line()
            yield hint_line("", id="ua-hint")

    def on_mount(self) -> None:
        add_columns(self.query_one("#ua-dues", DataTable), [
            (_("Month"), DUES["period"], False), (_("Fee item"), DUES["item"], False),
            (_("Charged"), DUES["amount"], True), (_("Paid"), DUES["paid"], True),
            (_("Owed"), DUES["owed"], True)])
        add_columns(self.history, [
            (_("Day"), HISTORY["day"], False), (_("What"), HISTORY["what"], False),
            (_("Receipt"), HISTORY["receipt"], False), (_("Item / for"), HISTORY["text"], False),
            (_("Amount"), HISTORY["amount"], True), (_("How"), HISTORY["how"], False)])
        if self.unit_id is None:
            self.set_focus(self.lookup_input)
        else:
            self.set_focus(self.history)
            self.read(self.unit_id)
        self._hint()

    @property
    def history(self) -> DataTable:
        return self.query_one("#ua-history", DataTable)

    # --- reading a unit ---------------------------------------------------------------------
    def read(self, unit_id: int) -> None:
        self.unit_id = unit_id
        super().read(unit_id)

    def fetch(self, unit_id: int) -> UnitAccount:
        return unit_account(self.office, unit_id)

    def show(self, account: UnitAccount, unit_id: int) -> None:
        before = self.account
        same = before is not None and before.unit_id == account.unit_id
        wanted, self._wanted = self._wanted, None
        self.account = account
        self.query_one("#ua-title", Static).update(plain(
            _("Unit account {code}").format(code=account.code)))
        self.query_one("#ua-owners", Static).update(plain(owners_text(account)))
        self.query_one("#ua-totals", Static).update(plain(totals_text(account)))
        refill(self.query_one("#ua-dues", DataTable), ((f"d{due.charge_id}", due_cells(due))
                                                       for due in account.dues), keep=same)
        self.rows = account.history
        keys = [f"{line.kind}:{line.ref_id}" for line in account.history]
        refill(self.history, ((key, history_cells(line, self.session.tz))
                              for key, line in zip(keys, account.history, strict=True)),
               keep=same)  # the row highlighted before stays
        if wanted in keys:  # the charge just added
            self.history.move_cursor(row=keys.index(wanted), animate=False)
        self.query_one("#ua-detail", Static).update(plain(
            self.row_detail(self.current_row()) if account.history
            else _("Nothing has been charged to this unit yet.")))

    def current_row(self) -> AccountLine | None:
        """The history's highlighted line (the dues table above it has no detail)."""
        table = self.history
        if not self.rows or table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), len(self.rows) - 1)
        return self.rows[index]

    def row_detail(self, line: AccountLine | None) -> str:
        return detail_text(line, self.session.tz)

    # --- the lookup -------------------------------------------------------------------------
    def unit_found(self, unit_id: int, code: str, hit) -> None:
        self.say("")
        self.set_focus(self.history)
        self.read(unit_id)

    def unit_missing(self, text: str, code: str) -> None:
        if not text:
            self.say(_("Type a unit, a phone or a name first."))
        else:
            self.say(_("No unit, phone or name on the roster matches “{text}”.")
                     .format(text=fit(text, 30)))

    def unit_unread(self, message: str) -> None:
        self.say(message)

    # --- a receipt, a new charge ------------------------------------------------------------
    def _hint(self) -> None:
        hint = self.query("#ua-hint")
        if not hint:
            return  # focus moved while the screen is still being built
        if isinstance(self.focused, DataTable):
            text = _("Enter the receipt · n add a charge · Tab the lookup · Esc close")
        else:
            text = _("↑↓ Enter pick the unit · Tab the tables · Esc close")
        hint.first(Static).update(plain(fit(text, WIDTH)))

    def on_descendant_focus(self, _event) -> None:
        self._hint()

    @on(DataTable.RowSelected, "#ua-history")
    def _open_receipt(self, event: DataTable.RowSelected) -> None:
        """Enter on a payment or a reversal: its receipt (a reversal's, the voided one)."""
        event.stop()
        line = self.current_row()
        if line is None or line.receipt_id is None:
            self.say(_("A charge has no receipt: Enter opens a payment's.")
                     if line is not None and line.kind == "charge" else "")
            return
        self.say("")
        open_receipt(self.app, line.receipt_id)

    def action_new_charge(self) -> None:
        if self.account is None or self.account.unit_id != self.unit_id:
            self.say(_("Find the unit first, then n adds a charge to it."))
            return
        self.say("")
        self._charging = True
        self.app.push_screen(AdHocChargeScreen(self.session, self.account.unit_id,
                                               self.account.code), callback=self._charged)

    def _charged(self, charge_id: int | None) -> None:
        """A charge added: the account read again, the new charge highlighted (cancelled:
        nothing changed, nothing read)."""
        if charge_id is not None and self.unit_id is not None:
            self._wanted = f"charge:{charge_id}"
            self.read(self.unit_id)

    def on_screen_suspend(self) -> None:
        self._away = True

    def on_screen_resume(self) -> None:
        """Back from another screen (a payment taken meanwhile): read the unit again."""
        if self._away:
            self._away = False
            if self._charging:  # back from the charge form: ``_charged`` reads when needed
                self._charging = False
            elif self.unit_id is not None:
                self.read(self.unit_id)
