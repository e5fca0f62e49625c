"""Three of the four live panes: open orders, overdue callbacks, unbalanced cash.
(The timeline has its own module.) Each fetches through ``deskterm.duties.panes``."""

from __future__ import annotations

from deskterm.clock import now_utc
from deskterm.display import SYMBOLS, age, fit, late_by, money, percent, when
from deskterm.duties import panes as queries
from deskterm.i18n import _
from deskterm.widgets.pane import Pane

LIMIT = 50  # rows a pane holds at most; the summary line carries the full counts


class OpenOrdersPane(Pane):
    TOPICS = frozenset({"repair_order"})

    def title(self) -> str:
        return _("Open orders")

    def columns(self, wide):
        if wide:
            return [("appt", _("Appt")), ("number", _("Order")), ("unit", _("Unit")),
                    ("what", _("What")), ("tech", _("Technician")), ("age", _("Age"))]
        return [("appt", _("Appt")), ("unit", _("Unit")), ("what", _("What")),
                ("tech", _("Tech"))]

    def fetch(self):
        return queries.open_orders(self.context.office, limit=LIMIT)

    def summary(self, data, wide) -> str:
        text = _("{count} open").format(count=data.count)
        if data.overdue:
            text += " · " + SYMBOLS["overdue"] + " " + _("{n} past appointment").format(
                n=data.overdue)
        if data.count > len(data.rows):
            text += " · " + _("top {n} shown").format(n=len(data.rows))
        return text

    def summary_is_alert(self, data) -> bool:
        return data.overdue > 0

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
            cells += [fit(order.unit, 9), fit(order.description, what_width),
                      fit(order.technician, 10 if wide else 6)]
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
        from deskterm.clock import today_local
        from deskterm.duties.schedule import end_of_day_utc

        office = self.context.office
        shift_end = end_of_day_utc(office, today_local(office.timezone))
        return queries.due_callbacks(office, shift_end=shift_end, limit=LIMIT)

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
    TOPICS = frozenset({"cash_session", "cash_entry", "payment", "receipt", "receipt_void",
                        "bank_deposit", "office"})

    def title(self) -> str:
        return _("Unbalanced cash")

    def columns(self, wide):
        if wide:
            return [("clerk", _("Clerk")), ("day", _("Day")), ("state", _("Session")),
                    ("taken", _("Taken")), ("banked", _("Banked")),
                    ("left", _("Undeposited")), ("diff", _("Count diff"))]
        return [("clerk", _("Clerk")), ("day", _("Day")), ("left", _("Undeposited")),
                ("diff", _("Diff"))]

    def fetch(self):
        return queries.cash_state(self.context.office)

    def summary(self, data, wide) -> str:
        if data.undeposited:
            text = _("{amount} not banked").format(amount=money(data.undeposited))
            if data.late:
                text = SYMBOLS["overdue"] + " " + text + " · " + _("{amount} late").format(
                    amount=money(data.late))
        else:
            text = "✓ " + _("all banked")
        if wide:
            text += " · " + _("today: {r} receipts, {p} payments").format(
                r=data.receipts_today, p=data.payments_today)
        else:
            text += " · " + _("rcpt {r}/pay {p}").format(
                r=data.receipts_today, p=data.payments_today)
        if data.receipts_today != data.payments_today:
            text += " ✗"
        if data.voided_today:
            text += " · " + _("{n} voided").format(n=data.voided_today)
        return text

    def summary_is_alert(self, data) -> bool:
        return data.late > 0 or data.receipts_today != data.payments_today

    def rows(self, data, wide, width):
        out = []
        for row in data.rows:
            mark = SYMBOLS["overdue"] if row.late else " "
            state = _("open") if row.state == "open" else _("closed")
            diff = money(row.difference) if row.difference is not None else "—"
            cells = [mark + fit(row.clerk, 8), row.day.strftime("%m-%d")]
            if wide:
                cells += [state, money(row.taken), money(row.deposited)]
            cells += [money(row.undeposited), diff]
            out.append((f"s{row.session_id}", cells))
        return out
