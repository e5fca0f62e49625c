"""The order detail's message to the technician (issue #14): one line under the
technician's — ``Message: sent ✓ 10:42 to 王建军``, ``waiting (attempt 2, next 10:45)``,
``failed ✗ <reason>``, ``no address: not sent`` — and ``m``, which sends a failed,
waiting or unsent one again now (``messaging.outbox.send_again``). The line changes by
itself: the desk's change watcher tells the open detail when an ``outbox_message``
changed (a sender on any desk, or the service), and the detail reads itself again.

The detail's ``fetch`` reads the message's state with the order, in the same worker
(``with_message``: an ``OrderWithMessage``), and its ``field_lines`` add the line
(``with_message_line``); ``MessagePart``, mixed into it, adds ``m`` to the hint, the key's
action and the reload.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deskterm.display import fit
from deskterm.duties.repairs.order_view import OrderView
from deskterm.i18n import _
from deskterm.messaging.outbox import TOPIC, MessageState, order_message, send_again

#: What the detail is wide inside its border (``order_detail.TEXT_WIDTH``).
WIDTH = 74
#: The field line it goes after: the technician and the appointment.
AFTER_LINE = 4


@dataclass(frozen=True)
class OrderWithMessage(OrderView):
    message: MessageState | None = None


def message_line(message: MessageState | None, tz: str, now: dt.datetime) -> str:
    """The line the detail shows ("" for an order never dispatched)."""
    if message is None:
        return ""
    return fit(_("Message: {state}").format(state=message.words(tz, now)), WIDTH)


def with_message(office, view: OrderView | None) -> OrderWithMessage | None:
    """In the detail's worker: the order's view with its message's state."""
    if view is None:
        return None
    return OrderWithMessage(**vars(view), message=order_message(office, view.id))


def with_message_line(lines: list[str], view, tz: str, now: dt.datetime) -> list[str]:
    """The detail's field lines with the message's under the technician's."""
    line = message_line(getattr(view, "message", None), tz, now)
    if line:
        lines.insert(min(AFTER_LINE, len(lines)), line)
    return lines


class MessagePart:
    """Mixed into the order detail (see the module): the hint, ``m``, the reload."""

    def hint(self, view) -> str:
        text = super().hint(view)
        message = getattr(view, "message", None)
        if message is None or not message.can_send_again:
            return text
        tail, key = _("↑↓ history"), _("m send again")
        return text.replace(tail, f"{key} · {tail}", 1)

    def action_send_again(self) -> None:
        view = self.view
        if view is None or self.busy:
            return
        message = getattr(view, "message", None)
        if message is None:
            self.say(_("No message was made for this order: dispatch it to a technician "
                       "first."))
            return
        office, staff, order_id = self.session.office, self.session.staff, view.id
        self.say("")
        self.act(lambda: send_again(office, staff, order_id), self._sent_again,
                 group="message")

    def _sent_again(self, _message) -> None:
        self.tell(_("The message goes again now."))
        self.reload()

    def topics_changed(self, topics) -> None:
        """From the app's change watcher: a message's state changed somewhere."""
        if TOPIC in topics and self.view is not None and not self.busy:
            self.reload()
