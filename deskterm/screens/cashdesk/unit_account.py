"""A unit's account [5.1][7.4.13]: find the unit with the roster lookup (unit code, phone,
name or pinyin initials, as in call intake and the register search), then what it owes,
what it has paid and its history (``deskterm.duties.cashdesk.account.unit_account``, read in a
thread worker).

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

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList, Static

from deskterm.clock import local
from deskterm.db.models import database
from deskterm.display import fit, plain
from deskterm.duties.cashdesk.account import AccountLine, UnitAccount, unit_account, unit_by_code
from deskterm.duties.cashdesk.payments import METHOD_WORDS
from deskterm.duties.parsing import format_phone
from deskterm.errors import DeskError
from deskterm.i18n import N_, _
from deskterm.money import format_fen
from deskterm.screens.cashdesk.charge_form import AdHocChargeScreen
from deskterm.screens.cashdesk.receipt import open_receipt
from deskterm.screens.kit.owner_lookup import OwnerLookup

LINE_WORDS = {"charge": N_("charge"), "payment": N_("paid"), "reversal": N_("reversal"),
              "voided": N_("voided")}
WIDTH = 76
#: The dues table: period, item, charged, paid, owed (75 cells and one for the scrollbar).
DUES = {"period": 7, "item": 24, "amount": 13, "paid": 13, "owed": 13}
#: The history table.
HISTORY = {"day": 10, "what": 8, "receipt": 8, "text": 18, "amount": 12, "how": 13}


def word(words: dict, key: str) -> str:
    return _(words[key]) if key in words else key


def money_cell(fen: int, width: int) -> Text:
    """An amount right-aligned in its column (one cell of gap after it)."""
    return Text(fit(format_fen(fen), width) + " ", justify="right")


def heading(label: str, width: int, right: bool = False) -> Text:
    return Text(fit(label, width) + " ", justify="right") if right else plain(fit(label, width))


def line_kind(line: AccountLine) -> str:
    return word(LINE_WORDS, "voided" if line.voided else line.kind)


def history_cells(line: AccountLine, tz: str) -> tuple:
    w = HISTORY
    if line.kind == "charge":
        text, how = f"{line.text} {line.period}", ""
    else:
        text, how = line.text, word(METHOD_WORDS, line.method)
    return (plain(local(line.at, tz).format("YYYY-MM-DD")), plain(fit(line_kind(line), w["what"])),
            plain(line.receipt or "—"), plain(fit(text, w["text"])),
            money_cell(line.amount, w["amount"]), plain(fit(how, w["how"])))


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
    if app.session.staff is None:
        return None
    screen = UnitAccountScreen(app.session, unit_id)
    app.push_screen(screen)
    return screen


class UnitAccountScreen(ModalScreen[None]):
    """Find a unit, then its dues and its history."""

    CSS_PATH = str(files("deskterm.styles") / "fees.tcss")
    BINDINGS = [Binding("escape", "close", show=False),
                Binding("n", "new_charge", show=False)]

    def __init__(self, session, unit_id: int | None = None) -> None:
        super().__init__(id="unit-account")
        self.session = session
        self.unit_id = unit_id
        self.account: UnitAccount | None = None
        self.lines: dict[str, AccountLine] = {}
        self._away = False
        self._wanted: str | None = None  # the history row to highlight once read
        self._charging = False  # the charge form is open: its answer decides the read
        self.asked = 0  # reads started; an answer to an older one is dropped
        self.loads = 0  # reads finished (shown or refused), for tests

    def compose(self) -> ComposeResult:
        with Vertical(id="ua-form", classes="form"):
            yield Static(plain(_("Unit account")), id="ua-title", classes="form-title",
                         markup=False)
            yield AccountLookup(self.session.office, id="ua-lookup")
            yield Static(plain(_("Type a unit, a phone or a name, then Enter.")),
                         id="ua-owners", markup=False)
            yield Static(plain(""), id="ua-totals", markup=False)
            yield DataTable(id="ua-dues", cursor_type="row", cell_padding=0)
            yield DataTable(id="ua-history", cursor_type="row", zebra_stripes=True,
                            cell_padding=0)
            yield Static(plain(""), id="ua-detail", markup=False)
            yield Static(plain(""), id="ua-error", classes="field-error", markup=False)
            yield Static(plain(""), id="ua-hint", classes="form-hint", markup=False)

    def on_mount(self) -> None:
        dues = self.query_one("#ua-dues", DataTable)
        for key, label in (("period", _("Month")), ("item", _("Fee item")),
                           ("amount", _("Charged")), ("paid", _("Paid")),
                           ("owed", _("Owed"))):
            dues.add_column(heading(label, DUES[key], key in ("amount", "paid", "owed")),
                            width=DUES[key] + 1)
        history = self.query_one("#ua-history", DataTable)
        for key, label in (("day", _("Day")), ("what", _("What")), ("receipt", _("Receipt")),
                           ("text", _("Item / for")), ("amount", _("Amount")),
                           ("how", _("How"))):
            history.add_column(heading(label, HISTORY[key], key == "amount"),
                               width=HISTORY[key] + 1)
        self._set_error("")
        self._hint()
        if self.unit_id is None:
            self.query_one(AccountLookup).input.focus()
        else:
            history.focus()
            self.read(self.unit_id)

    # --- reading a unit ---------------------------------------------------------------------
    def read(self, unit_id: int) -> None:
        self.unit_id = unit_id
        self.asked += 1
        self._load(unit_id, self.asked)

    @work(thread=True, group="unit-account")
    def _load(self, unit_id: int, asked: int) -> None:
        try:
            with database.connection_context():
                account = unit_account(self.session.office, unit_id)
        except DeskError as exc:
            self.app.call_from_thread(self._refused, asked, exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - said on the screen; Esc still closes it
            self.app.call_from_thread(self._refused, asked, str(exc))
            return
        self.app.call_from_thread(self._show, asked, account)

    def _refused(self, asked: int, message: str) -> None:
        if asked == self.asked:
            self.loads += 1
            self._set_error(message)

    def _show(self, asked: int, account: UnitAccount) -> None:
        if asked != self.asked:
            return
        before = self.account
        kept = self.current_line() if before and before.unit_id == account.unit_id else None
        wanted = self._wanted or (f"{kept.kind}:{kept.ref_id}" if kept else None)
        self._wanted = None
        self.account = account
        self._set_error("")
        self.query_one("#ua-title", Static).update(plain(
            _("Unit account {code}").format(code=account.code)))
        self.query_one("#ua-owners", Static).update(plain(owners_text(account)))
        self.query_one("#ua-totals", Static).update(plain(totals_text(account)))
        dues = self.query_one("#ua-dues", DataTable)
        dues.clear()
        for due in account.dues:
            item = due.fee_item + (f" {due.order_number}" if due.order_number else "")
            dues.add_row(plain(due.period), plain(fit(item, DUES["item"])),
                         money_cell(due.amount, DUES["amount"]),
                         money_cell(due.paid, DUES["paid"]),
                         money_cell(due.outstanding, DUES["owed"]), key=f"d{due.charge_id}")
        history = self.query_one("#ua-history", DataTable)
        history.clear()
        self.lines = {}
        for line in account.history:
            key = f"{line.kind}:{line.ref_id}"
            self.lines[key] = line
            history.add_row(*history_cells(line, self.session.tz), key=key)
        if wanted in self.lines:  # the row highlighted before, or the charge just added
            history.move_cursor(row=history.get_row_index(wanted), animate=False)
        detail = self.query_one("#ua-detail", Static)
        if account.history:
            self._show_detail(self.current_line())
        else:
            detail.update(plain(_("Nothing has been charged to this unit yet.")))
        self.loads += 1

    # --- the lookup -------------------------------------------------------------------------
    @on(OwnerLookup.Picked)
    def _picked(self, event: OwnerLookup.Picked) -> None:
        event.stop()
        self.query_one("#lookup-hits", OptionList).display = False
        self.query_one("#ua-history", DataTable).focus()
        self.read(event.hit.unit_id)

    @on(OwnerLookup.Unmatched)
    def _unmatched(self, event: OwnerLookup.Unmatched) -> None:
        """Nobody on the roster: a unit code typed in full still finds its unit."""
        event.stop()
        text = event.text.strip()
        if not text:
            self._set_error(_("Type a unit, a phone or a name first."))
            return
        self._by_code(text)

    @work(thread=True, exclusive=True, group="unit-account-code")
    def _by_code(self, text: str) -> None:
        try:
            with database.connection_context():
                unit_id = unit_by_code(self.session.office, text)
        except Exception as exc:  # noqa: BLE001 - said on the screen
            self.app.call_from_thread(self._set_error, str(exc))
            return
        self.app.call_from_thread(self._found_by_code, text, unit_id)

    def _found_by_code(self, text: str, unit_id: int | None) -> None:
        if unit_id is None:
            self._set_error(_("No unit, phone or name on the roster matches “{text}”.")
                            .format(text=fit(text, 30)))
            return
        self.query_one("#ua-history", DataTable).focus()
        self.read(unit_id)

    # --- the highlighted row ----------------------------------------------------------------
    def current_line(self) -> AccountLine | None:
        table = self.query_one("#ua-history", DataTable)
        if table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), table.row_count - 1)
        return self.lines.get(table.coordinate_to_cell_key(Coordinate(index, 0)).row_key.value)

    def _show_detail(self, line: AccountLine | None) -> None:
        self.query_one("#ua-detail", Static).update(plain(detail_text(line, self.session.tz)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "ua-history":
            self._show_detail(self.lines.get(event.row_key.value))

    def _set_error(self, message: str) -> None:
        error = self.query_one("#ua-error", Static)
        error.update(plain(("✗ " + message) if message else ""))
        error.display = bool(message)

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
        line = self.lines.get(event.row_key.value)
        if line is None or line.receipt_id is None:
            self._set_error(_("A charge has no receipt: Enter opens a payment's.")
                            if line is not None and line.kind == "charge" else "")
            return
        self._set_error("")
        open_receipt(self.app, line.receipt_id)

    def action_new_charge(self) -> None:
        if self.account is None or self.account.unit_id != self.unit_id:
            self._set_error(_("Find the unit first, then n adds a charge to it."))
            return
        self._set_error("")
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

    def action_close(self) -> None:
        self.dismiss(None)
