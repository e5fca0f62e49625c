"""The commands a telephone system runs: a call ringing, a caller hanging up, a webhook.

    deskterm call NUMBER [--line NAME] [--hangup|--answered] [--office N] [--db PATH|URL]
    deskterm call-listener --token TOKEN [--host 127.0.0.1] [--port 8765] [--rate N]

``deskterm call`` runs once per call, from an Asterisk dial plan (``System(deskterm call
${CALLERID(num)} --line front)``), a caller-ID box's script or a PBX hook: it records the
ringing call (``duties.calls.ringing.record_call``), which every desk of the office shows
within a poll; ``--hangup`` says the caller hung up before a desk took it (missed: listed to
be returned), ``--answered`` that a phone took it (a clerk who did not press F2). It never imports Textual. It prints one line and exits 0; a number it cannot
read exits 2, a database that is locked, down or not set up exits 3, each with one line on
stderr, and then nothing was written (one transaction).

``deskterm call-listener`` takes the same calls as HTTP ``POST /call`` (``call_listener``):
on 127.0.0.1 unless ``--host`` says otherwise, with a shared token, rate-limited per source.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager

from deskterm.i18n import N_

EXIT_REFUSED = 2
EXIT_TROUBLE = 3
#: Seconds ``deskterm call`` waits for another program's write lock: a ring lasts seconds,
#: and the PBX's dial plan waits for the command.
CALL_LOCK_SECONDS = 2.0

TROUBLE_WORDS = {
    "unreachable": N_("the database does not answer"),
    "locked": N_("the database is busy (another program holds it)"),
    "full": N_("the disk is full"),
    "readonly": N_("the database is read-only"),
    "forked": N_("the database file was replaced"),
}


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    from deskterm.i18n import _

    call = sub.add_parser(
        "call", parents=[common],
        help=_("record a call ringing now (for a PBX or caller-ID box): every desk shows it"))
    call.add_argument("number", help=_("the caller's number, as the caller ID gives it"))
    call.add_argument("--line", default="", help=_("the line or extension it rings on"))
    call.add_argument("--hangup", action="store_true",
                      help=_("the caller hung up before a desk took the call"))
    call.add_argument("--answered", action="store_true",
                      help=_("a phone took the call (the PBX's answer hook)"))
    listener = sub.add_parser(
        "call-listener", parents=[common],
        help=_("take calls as webhooks: POST /call with number and line"))
    listener.add_argument("--host", default="127.0.0.1",
                          help=_("address to listen on (default 127.0.0.1: this machine only)"))
    listener.add_argument("--port", type=int, default=8765, help=_("port (default 8765)"))
    listener.add_argument("--token", default=None,
                          help=_("the shared token every request must carry "
                                 "(env DESKTERM_CALL_TOKEN)"))
    listener.add_argument("--rate", type=int, default=30,
                          help=_("requests a minute one source may send (default 30)"))


def run(settings, args) -> int | None:
    """The ``call`` and ``call-listener`` commands; None for any other command."""
    if args.command == "call":
        return _guarded(lambda: _call(settings, args))
    if args.command == "call-listener":
        return _guarded(lambda: _listen(settings, args))
    return None


def _say(text: str) -> None:
    print(f"deskterm: {text}", file=sys.stderr)


def _guarded(command) -> int:
    """Database trouble in one line (exit 3), never a traceback: the PBX logs stderr."""
    from deskterm.errors import DutyError, SetupError

    try:
        return command()
    except DutyError as exc:
        _say(exc.message)
        return EXIT_REFUSED
    except SetupError as exc:
        _say(exc.message)
        return EXIT_TROUBLE
    except Exception as exc:  # noqa: BLE001 - a database that is locked or down
        from deskterm.db.trouble import trouble_of
        from deskterm.i18n import _

        trouble = trouble_of(exc)
        if trouble is None:
            raise
        _say(_("The call was not recorded: {why}.").format(why=_(TROUBLE_WORDS[trouble.kind])))
        return EXIT_TROUBLE


def _office(settings):
    from deskterm.duties.desk import desk_office

    return desk_office(settings.office)


@contextmanager
def _call_database(settings):
    """The database, checked current, waiting at most ``CALL_LOCK_SECONDS`` for a lock."""
    from pathlib import Path

    from deskterm.db import schema
    from deskterm.db.connection import close_database, describe, is_postgres_url, open_database
    from deskterm.errors import SetupError
    from deskterm.i18n import _

    if not is_postgres_url(settings.db) and not Path(settings.db).expanduser().exists():
        raise SetupError(_("There is no database at {path}.").format(path=settings.db))
    db = open_database(settings.db, lock_timeout=CALL_LOCK_SECONDS)
    try:
        schema.check(db, describe(settings.db))
        yield db
    finally:
        close_database()


def _call(settings, args) -> int:
    from deskterm.duties.calls.ringing import call_number, hang_up, record_call
    from deskterm.i18n import _

    call_number(args.number)  # a number it cannot read: refused before the database
    with _call_database(settings):
        office = _office(settings)
        if args.hangup or args.answered:
            call = hang_up(office, args.number, line=args.line, answered=args.answered)
            print(_("No call from {number} is ringing.").format(number=args.number)
                  if call is None else call_text(call, _("answered") if args.answered
                                                 else _("missed call")))
            return 0
        call = record_call(office, args.number, line=args.line, source="command")
        print(call_text(call, _("ringing") if call.new else _("ringing already")))
        return 0


def call_text(call, what: str) -> str:
    """``ringing: 178 3022 5795 王健 27-2-1802 (line front)``: one line for the PBX's log."""
    from deskterm.duties.parsing import format_phone
    from deskterm.i18n import _

    who = (f"{call.match.name} {call.match.unit_code}" if call.match is not None
           else _("not on the roster"))
    line = " " + _("(line {line})").format(line=call.line) if call.line else ""
    return f"{what}: {format_phone(call.number)} {who}{line}"


def _listen(settings, args) -> int:
    from deskterm.call_listener import serve
    from deskterm.cli import _current_database
    from deskterm.errors import SetupError
    from deskterm.i18n import _

    token = args.token or os.environ.get("DESKTERM_CALL_TOKEN", "")
    if len(token) < 8:
        raise SetupError(_("Give the listener a shared token of 8 characters or more: "
                           "--token or DESKTERM_CALL_TOKEN."))
    if args.rate < 1:
        raise SetupError(_("--rate is the requests a minute one source may send: 1 or more."))
    with _current_database(settings):
        office = _office(settings)
        serve(office, token, host=args.host, port=args.port, per_minute=args.rate,
              say=lambda text: print(text, file=sys.stderr, flush=True))
    return 0
