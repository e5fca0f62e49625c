"""The order detail's message to the technician (issue #14): one line under the
technician's — ``Message: sent ✓ 10:42 to 王建军``, ``waiting (attempt 2, next 10:45)``,
``failed ✗ <reason>``, ``no address: not sent`` — and ``m``, which sends a failed,
waiting or unsent one again now (``messaging.outbox.send_again``). The line changes by
itself: the desk's change watcher tells the open detail when an ``outbox_message``
changed (a sender on any desk, or the service), and the detail reads itself again.

``MessagePart`` is mixed into ``OrderDetailScreen`` (before the kit's ``DetailScreen``):
its ``fetch`` adds the message's state to the order's view (``OrderWithMessage``), read
in the same worker.
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


class MessagePart:
    """Mixed into the order detail (see the module)."""

    def fetch(self, order_id: int):
        view = super().fetch(order_id)
        if view is None:
            return None
        message = order_message(self.session.office, order_id)
        return OrderWithMessage(**vars(view), message=message)

    def field_lines(self, view, now: dt.datetime) -> list[str]:
        lines = super().field_lines(view, now)
        line = message_line(getattr(view, "message", None), self.session.tz, now)
        if line:
            lines.insert(min(AFTER_LINE, len(lines)), line)
        return lines

    def hint(self, view) -> str:
        text = super().hint(view)
        message = getattr(view, "message", None)
        if message is None or not message.can_send_again:
            return text
        tail = _("↑↓ history")
        return text.replace(tail, f"{_('m send again')} · {tail}", 1)

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
