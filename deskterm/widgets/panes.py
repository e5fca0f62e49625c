"""Three of the four live panes: open orders, overdue callbacks, unbalanced cash.
(The timeline has its own module.) Each fetches through ``deskterm.duties.panes``."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Static

from deskterm.clock import now_utc
from deskterm.display import SYMBOLS, age, fit, fullest, late_by, money, percent, plain, when
from deskterm.i18n import _
from deskterm.widgets import pane_data
from deskterm.widgets.pane import Pane
from deskterm.widgets.pane_data import LIMIT  # noqa: F401 - re-exported
from deskterm.widgets.row_list import RowList

#: Before the technician's name: his message's state (``deskterm/messaging``).
MESSAGE_MARKS = {"sent": SYMBOLS["done"], "waiting": SYMBOLS["due"],
                 "failed": SYMBOLS["missed"], "unsent": "-"}


class OpenOrdersPane(Pane):
    TOPICS = frozenset({"repair_order", "outbox_message"})

    def title(self) -> str:
        return _("Open orders")

    def columns(self, wide):
        if wide:
            return [("appt", _("Appt")), ("number", _("Order")), ("unit", _("Unit")),
                    ("what", _("What")), ("tech", _("Technician")), ("age", _("Age"))]
        return [("appt", _("Appt")), ("unit", _("Unit")), ("what", _("What")),
                ("tech", _("Tech"))]

    def fetch(self):
        return pane_data.open_orders(self.context)

    def summary(self, data, wide) -> list[str]:
        """The fullest form, then one that says "late" for "past appointment"."""
        full = short = _("{count} open").format(count=data.count)
        if data.chased:
            chased = " · " + SYMBOLS["chased"] + " " + _("{n} chased").format(n=data.chased)
            full, short = full + chased, short + chased
        if data.overdue:
            full += " · " + SYMBOLS["overdue"] + " " + _("{n} past appointment").format(
                n=data.overdue)
            short += " · " + SYMBOLS["overdue"] + " " + _("{n} late").format(n=data.overdue)
        if data.count > len(data.rows):
            top = " · " + _("top {n} shown").format(n=len(data.rows))
            full, short = full + top, short + top
        return [full, short]

    def summary_is_alert(self, data) -> bool:
        return data.overdue > 0 or data.chased > 0

    def rows(self, data, wide, width):
        now = now_utc()
        tz = self.context.tz
        fixed = [12 if wide else 6, 9, 10 if wide else 6] + ([14, 4] if wide else [])
        what_width = self.free_width(width, fixed)
        out = []
        for order in data.rows:
            mark = SYMBOLS["overdue"] if order.overdue else " "
            shown = when(order.appointment_at, tz, now)
            # Narrow: the time today, else the date ("11-27"), never a bare time of
            # another day.
            appt = mark + (shown if wide or len(shown) <= 5 else shown[:5])
            cells = [appt]
            if wide:
                cells.append(order.number)
            what = order.description
            if order.chases:  # raised to the top: say why
                what = f"{SYMBOLS['chased']}{order.chases} {what}"
            # The message to the technician: ✓ sent, … waiting, ✗ failed, - no address.
            tech = MESSAGE_MARKS.get(order.message, "") + order.technician
            cells += [fit(order.unit, 9), fit(what, what_width), fit(tech, 10 if wide else 6)]
            if wide:
                cells.append(age(order.registered_at, now))
            out.append((f"o{order.id}", cells))
        return out


class CallbacksPane(Pane):
    TOPICS = frozenset({"repair_order", "complaint", "callback", "office"})

    def title(self) -> str:
        return _("Overdue callbacks")

    def columns(self, wide):
        if wide:
            return [("due", _("Due")), ("number", _("No.")), ("unit", _("Unit")),
                    ("who", _("Technician")), ("phone", _("Phone")), ("late", _("Late"))]
        return [("due", _("Due")), ("number", _("No.")), ("unit", _("Unit")),
                ("late", _("Late"))]

    def fetch(self):
        return pane_data.callbacks(self.context)

    def summary(self, data, wide) -> str:
        rate = data.rate
        mark = "✓" if rate.meets_standard else "✗"
        if wide:
            parts = [
                _("{n} overdue").format(n=data.overdue),
                _("{n} due this shift").format(n=data.due_in_shift),
                _("7-day callback rate {rate} {mark} (≥98%)").format(
                    rate=percent(rate.rate), mark=mark),
            ]
        else:
            parts = [
                _("{n} late").format(n=data.overdue),
                _("{n} due").format(n=data.due_in_shift),
                _("7d {rate}{mark}").format(rate=percent(rate.rate), mark=mark),
            ]
        text = " · ".join(parts)
        return (SYMBOLS["overdue"] + " " + text) if data.overdue else text

    def summary_is_alert(self, data) -> bool:
        return data.overdue > 0 or not data.rate.meets_standard

    def rows(self, data, wide, width):
        now = now_utc()
        tz = self.context.tz
        out = []
        for item in data.rows:
            mark = SYMBOLS["overdue"] if item.overdue else " "
            # Narrow: "WX-0265" (order) or "TS-006" (complaint), prefix and sequence.
            parts = item.number.split("-")
            number = item.number if wide or len(parts) < 2 else f"{parts[0]}-{parts[-1]}"
            due = when(item.due_at, tz, now)
            cells = [mark + (due if wide or len(due) <= 5 else due[:5]), number,
                     fit(item.unit, 10)]
            if wide:
                cells += [fit(item.who, 10), item.phone]
            cells.append(late_by(item.due_at, now))
            out.append((f"{item.kind[0]}{item.id}", cells))
        return out


class CashPane(Pane):
    """Cash not yet in the bank [5.3]: past the deposit time it turns red, with "!" and the
    word "late", the amount and since when; earlier days' cash is carried until banked.
    Rows: each drawer holding cash, still open, or counted off today. A second summary
    line (shown once any drawer or cash is about) holds today's receipts against payments,
    voids and open drawers, so the alert line stays readable at 40 cells."""

    TOPICS = frozenset({"cash_session", "cash_entry", "payment", "receipt", "receipt_void",
                        "bank_deposit", "office"})

    def title(self) -> str:
        return _("Unbalanced cash")

    DEFAULT_CSS = """
    CashPane > #cash-detail {
        height: 1;
        padding: 0 1;
        overflow: hidden;
    }
    """

    def compose(self):
        yield Static(plain(""), classes="pane-summary", markup=False)
        detail = Static(plain(""), id="cash-detail", markup=False)
        detail.display = False
        yield detail
        yield RowList(self.columns(False), classes="pane-table")

    def columns(self, wide):
        if wide:
            return [("clerk", _("Clerk")), ("day", _("Day")), ("state", _("Session")),
                    ("taken", _("Taken")), ("banked", _("Banked")),
                    ("left", _("Undeposited")), ("diff", _("Count diff"))]
        return [("clerk", _("Clerk")), ("day", _("Day")), ("left", _("Undeposited")),
                ("diff", _("Diff"))]

    def fetch(self):
        return pane_data.cash(self.context)

    def two_lines(self, data) -> bool:
        """A second line for the receipts and voids: when cash waits or drawers are
        listed, and when the one line would not hold them whole in the pane's width."""
        if data.undeposited or data.rows:
            return True
        one = self.headline(data, False) + " · " + self.paper_trail(data, False)
        return cell_len(one) > self.summary_width()

    def headline(self, data, wide) -> str:
        """The cash line: late (red, "!"), waiting, or all banked."""
        since = when(data.since, self.context.tz, now_utc())
        if data.late:
            if wide:
                text = SYMBOLS["overdue"] + " " + _(
                    "{amount} late: not banked by {time}, since {since}").format(
                    amount=money(data.late), time=data.deposit_by, since=since)
            else:
                text = SYMBOLS["overdue"] + " " + _("{amount} late since {since}").format(
                    amount=money(data.late), since=since)
            if wide and data.undeposited != data.late:
                text += " · " + _("{amount} in all").format(amount=money(data.undeposited))
            if wide and data.carried:
                text += " · " + _("{amount} carried from earlier days").format(
                    amount=money(data.carried))
            return text
        if data.undeposited:
            return _("{amount} not banked since {since}").format(
                amount=money(data.undeposited), since=since)
        return "✓ " + _("all banked")

    def paper_trail(self, data, wide) -> str:
        """Today's receipts against payments (✗ when they differ), voids."""
        if wide:
            text = _("today: {r} receipts, {p} payments").format(
                r=data.receipts_today, p=data.payments_today)
        else:
            text = _("rcpt {r}/pay {p}").format(r=data.receipts_today, p=data.payments_today)
        if data.receipts_today != data.payments_today:
            text += " ✗"
        if data.voided_today:
            text += " · " + _("{n} voided").format(n=data.voided_today)
        return text

    def summary(self, data, wide) -> tuple[str, ...]:
        if self.two_lines(data):
            return (self.headline(data, wide), self.headline(data, False))
        return tuple(self.headline(data, w) + " · " + self.paper_trail(data, w)
                     for w in (wide, False))

    def detail(self, data, wide) -> str:
        parts = [self.paper_trail(data, wide)]
        if data.late and data.undeposited != data.late and not wide:
            parts.append(_("{amount} in all").format(amount=money(data.undeposited)))
        if data.open_drawers:
            parts.append(_("{n} open").format(n=data.open_drawers) if not wide else
                         _("drawers open: {n}").format(n=data.open_drawers))
        if data.stale_drawers:
            parts.append(SYMBOLS["overdue"] + " " + _("{n} not closed").format(
                n=data.stale_drawers))
        # the receipts and voids first: what does not fit is left off whole, last first
        return fullest([" · ".join(parts[:n]) for n in range(len(parts), 0, -1)],
                       self.summary_width())

    def summary_is_alert(self, data) -> bool:
        if self.two_lines(data):
            return data.late > 0
        return data.late > 0 or data.receipts_today != data.payments_today

    def _paint(self) -> None:
        super()._paint()
        if self.data is None:
            return
        line = self.query_one("#cash-detail", Static)
        shown = self.two_lines(self.data)
        if shown:
            line.update(plain(self.detail(self.data, self.wide)), layout=False)
            line.set_class(self.data.receipts_today != self.data.payments_today
                           or self.data.stale_drawers > 0, "-alert")
        if line.display != shown:
            line.display = shown

    def rows(self, data, wide, width):
        out = []
        for row in data.rows:
            mark = SYMBOLS["overdue"] if row.late else " "
            state = {"open": _("open"), "closed": _("closed")}.get(row.state, _("banked"))
            if row.difference is not None:
                diff = money(row.difference)
            else:
                diff = "—" if wide else _("open")
            cells = [mark + fit(row.clerk, 8), row.day.strftime("%m-%d")]
            if wide:
                cells += [state, money(row.taken), money(row.deposited)]
            cells += [money(row.undeposited), diff]
            out.append((f"s{row.session_id}", cells))
        return out
