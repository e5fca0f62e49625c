"""``deskterm outbox send [--loop]``: the sender as a command, for an office that runs it
from cron or as a systemd service instead of (or beside) the desks' own senders; claims
keep them from sending a message twice (``sender.py``).

Once: sends what is due and says how it went (exit 0, even when a message failed: its
state and reason are on the order). ``--loop``: until stopped (SIGTERM, ctrl+c), looking
every ``--every`` seconds.
"""

from __future__ import annotations

import argparse


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    from deskterm.i18n import _

    outbox = sub.add_parser("outbox", parents=[common], help=_("messages to technicians"))
    outbox_sub = outbox.add_subparsers(dest="outbox_command", required=True)
    send = outbox_sub.add_parser("send", parents=[common],
                                 help=_("send the messages that are due (cron, systemd)"))
    send.add_argument("--loop", action="store_true",
                      help=_("keep sending until stopped, as a service"))
    send.add_argument("--every", type=float, default=5.0, metavar="SECONDS",
                      help=_("with --loop: seconds between two looks (default 5)"))


def run(settings, args) -> int:
    import signal
    import threading

    from deskterm.cli import _current_database
    from deskterm.duties.desk import desk_office
    from deskterm.i18n import _
    from deskterm.messaging.sender import Sender

    with _current_database(settings):
        office = desk_office(settings.office)
        sender = Sender(office.id)
        if not args.loop:
            sender.run_once()
            states = [state for _id, state in sender.outcomes]
            print(_("{sent} sent, {waiting} to be tried again, {failed} failed.").format(
                sent=states.count("sent"), waiting=states.count("waiting"),
                failed=states.count("failed")))
            return 0
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_args: stop.set())
        print(_("Sending the messages of {office} until stopped.").format(office=office.name),
              flush=True)
        sender.run(stop, max(0.5, args.every))
    return 0
