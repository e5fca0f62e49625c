"""The ringing banner: who is calling, on every desk of the office, before the clerk
picks up [7.4.3] (issue #14).

Two lines over the panes while a call rings; else one line while calls wait to be
returned ("☎ 2 calls to return · F10 n"); else nothing:

    ☎ 178 3022 5795 · 王健 · 27-2-1802 · 0:04 · line front · +1 more
      2 open orders, 1 late ⚠ · owes ¥1,234.00 · F2 take it · F3 pay

or, for a number not on the roster, "not on the roster" and how to add it to an owner
(F10 o). What it shows is ``duties.calls.answering.RingingView`` (read by the dashboard in
the kit's worker); the seconds since it rang tick here once a second, and when the call
has rung out (``RING_SECONDS``) the banner asks the dashboard to read again
(``RungOut``). Every text from the database is shown plain (no markup), and the signs
(☎, ⚠) read without colour.
"""

from __future__ import annotations

from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from deskterm.clock import now_utc
from deskterm.display import fit, money
from deskterm.i18n import _, ngettext


def seconds_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def call_words(view, now, width: int = 78) -> tuple[str, str]:
    """The banner's two lines for ``view`` (a ``RingingView`` with a call) at ``now``."""
    from deskterm.duties.parsing import format_phone  # not on the launch path (issue #15)

    call = view.calls[0]
    first = ["☎ " + format_phone(call.number)]
    if call.owner_id is not None:
        first += [call.owner_name, call.unit_code]
    first.append(seconds_text((now - call.rang_at).total_seconds()))
    if call.line:
        first.append(_("line {line}").format(line=call.line))
    if len(view.calls) > 1:
        first.append(_("+{count} more").format(count=len(view.calls) - 1))
    second: list[str] = []
    card = view.card
    if call.owner_id is None:
        second += [_("not on the roster"), _("F2 take it"), _("F10 o add it to an owner")]
    else:
        if card is not None:
            late = sum(1 for order in card.orders if order.late)
            orders = ngettext("{count} open order", "{count} open orders",
                              card.open_orders).format(count=card.open_orders)
            if late:
                orders += ", " + _("{count} late ⚠").format(count=late)
            second.append(orders if card.open_orders else _("no open orders"))
            second.append(_("owes {amount}").format(amount=money(card.owed)) if card.owed
                          else _("owes nothing"))
        second += [_("F2 take it"), _("F3 pay")]
    return fit(" · ".join(first), width), fit("  " + " · ".join(second), width)


class RingingBanner(Static):
    """Shown only while a call rings (see the module)."""

    DEFAULT_CSS = """
    RingingBanner {
        height: 2;
        padding: 0 1;
        background: $warning;
        color: $background;
    }
    RingingBanner.-waiting {
        height: 1;
        background: $panel;
        color: $warning;
    }
    """

    class RungOut(Message):
        """The call shown rang longer than ``RING_SECONDS``: read the ringing calls again."""

    view = None
    _tick: Timer | None = None

    def on_mount(self) -> None:
        self.display = False

    @property
    def ringing(self):
        """The call shown (a ``CallLine``), or None."""
        return self.view.calls[0] if self.view is not None and self.view.calls else None

    def show(self, view) -> None:
        self.view = view if view is not None and view.calls else None
        waiting = view.to_return if view is not None and self.view is None else 0
        self.display = self.view is not None or waiting > 0
        self.set_class(self.view is None, "-waiting")
        if self.view is None:
            if self._tick is not None:
                self._tick.stop()
                self._tick = None
            self.update(ngettext("☎ {count} call to return · F10 n", "☎ {count} calls to "
                                 "return · F10 n", waiting).format(count=waiting)
                        if waiting else "")
            return
        if self._tick is None:
            self._tick = self.set_interval(1.0, self._again, name="ringing")
        self._again()

    def _again(self) -> None:
        if self.view is None:
            return
        from deskterm.duties.calls.ringing import RING_SECONDS

        now = max(now_utc(), self.view.now)
        if (now - self.view.calls[0].rang_at).total_seconds() >= RING_SECONDS:
            self.post_message(self.RungOut())
        width = max((self.size.width or 80) - 2, 20)
        first, second = call_words(self.view, now, width)
        self.update(first + "\n" + second)
