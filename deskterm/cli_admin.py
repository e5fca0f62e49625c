"""The commands a manager (or a set-up script) runs to set up and look after an office.

    deskterm office add NAME [--timezone ZONE]
    deskterm office show | deskterm office set KEY VALUE [KEY VALUE …]
    deskterm staff add NAME --role ROLE [--pin-stdin]
    deskterm staff list | role NAME ROLE | pin NAME [--pin-stdin] | unlock NAME | leave NAME
    deskterm staff contact NAME [PHONE] | skills NAME [CATEGORY …] | notify NAME [URL]
    deskterm outbox send [--loop] (``messaging/cli.py``: messages to technicians)
    deskterm estate … (``cli_estate``: districts, buildings, units, public places)
    deskterm backup FILE | deskterm restore FILE

All take ``--db`` and ``--office``. Each prints what it did (exit 0), or one clear line on
stderr and exit 2 when it refuses, having changed nothing. The change log names no person
for these (a command line has nobody signed in); the desk's manager book does the same work
signed in (``screens/backoffice/staff_book.py``).
"""

from __future__ import annotations

import argparse


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    from deskterm.i18n import _

    office = sub.add_parser("office", parents=[common], help=_("set up an office"))
    office_sub = office.add_subparsers(dest="office_command", required=True)
    office_add = office_sub.add_parser("add", parents=[common], help=_("add an office"))
    office_add.add_argument("name", help=_("the office's name, as the phone greeting says it"))
    office_add.add_argument("--timezone", default="Asia/Shanghai",
                            help=_("the office's time zone (default Asia/Shanghai)"))
    office_sub.add_parser("show", parents=[common], help=_("the office's settings"))
    office_set = office_sub.add_parser("set", parents=[common],
                                       help=_("change settings: KEY VALUE pairs (see show)"))
    office_set.add_argument("pairs", nargs="+", metavar="KEY VALUE")
    staff = sub.add_parser("staff", parents=[common], help=_("the people of an office"))
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    staff_add = staff_sub.add_parser("add", parents=[common], help=_("add a person"))
    staff_add.add_argument("name")
    staff_add.add_argument("--role", required=True,
                           help="clerk, supervisor, manager, night, technician, cs_supervisor")
    staff_add.add_argument("--pin-stdin", action="store_true",
                           help=_("read the PIN from standard input instead of asking"))
    staff_sub.add_parser("list", parents=[common], help=_("everyone, leavers last"))
    role = staff_sub.add_parser("role", parents=[common], help=_("give someone another role"))
    role.add_argument("name")
    role.add_argument("role")
    pin = staff_sub.add_parser("pin", parents=[common],
                               help=_("a new PIN for someone who forgot theirs"))
    pin.add_argument("name")
    pin.add_argument("--pin-stdin", action="store_true",
                     help=_("read the PIN from standard input instead of asking"))
    unlock = staff_sub.add_parser("unlock", parents=[common],
                                  help=_("lift a lockout after wrong PINs"))
    unlock.add_argument("name")
    contact = staff_sub.add_parser("contact", parents=[common],
                                   help=_("the phone someone is reached on (for dispatch)"))
    contact.add_argument("name")
    contact.add_argument("phone", nargs="?", default="", help=_("empty clears it"))
    notify = staff_sub.add_parser(
        "notify", parents=[common],
        help=_("where dispatch messages reach someone: an apprise URL (wecombot://KEY)"))
    notify.add_argument("name")
    notify.add_argument("url", nargs="?", default="", help=_("empty clears it"))
    skills = staff_sub.add_parser(
        "skills", parents=[common],
        help=_("the repair categories a technician takes (none: any repair)"))
    skills.add_argument("name")
    skills.add_argument("categories", nargs="*", metavar="CATEGORY",
                        help=_("water electricity doors_locks lift public_area gas "
                               "walls_roof other, or their labels in English or Chinese"))
    leave = staff_sub.add_parser("leave", parents=[common],
                                 help=_("mark a leaver: no sign-in; their name stays in history"))
    leave.add_argument("name")

    from deskterm import cli_estate
    from deskterm.messaging import cli as messaging_cli

    cli_estate.add_parsers(sub, common)
    messaging_cli.add_parsers(sub, common)
    backup = sub.add_parser(
        "backup", parents=[common],
        help=_("copy the database to a new file while desks are open (for a cron job)"))
    backup.add_argument("file", help=_("the new file (never an existing one)"))
    restore = sub.add_parser(
        "restore", parents=[common],
        help=_("replace the database by a backup, after checking it; every desk closed"))
    restore.add_argument("file", help=_("the backup file"))


def run(settings, args) -> int | None:
    """The command's exit code, or None when ``args`` is not one of these commands."""
    if args.command == "office":
        return _office(settings, args)
    if args.command == "staff":
        return _staff(settings, args)
    if args.command == "estate":
        from deskterm import cli_estate

        return cli_estate.run(settings, args)
    if args.command == "outbox":
        from deskterm.messaging import cli as messaging_cli

        return messaging_cli.run(settings, args)
    if args.command == "backup":
        return _backup(settings, args.file)
    if args.command == "restore":
        return _restore(settings, args.file)
    return None


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} KB"


def _backup(settings, file: str) -> int:
    """The copy (refused: exit 2, nothing written), then its record in the database's
    change log, which proves the daily backup on the deadline calendar. A copy made whose
    record the database did not take (migrations pending, the database busy...) is still
    a good backup: exit 0, and one line on stderr saying it is not on the calendar."""
    import sys

    from deskterm.cli import _current_database
    from deskterm.db.backup import backup_postgres, backup_sqlite, record_backup
    from deskterm.db.connection import describe, is_postgres_url
    from deskterm.errors import SetupError
    from deskterm.i18n import _

    if is_postgres_url(settings.db):
        result = backup_postgres(settings.db, file)
    else:
        result = backup_sqlite(settings.db, file)
    print(_("{db} backed up to {path} ({size}, {seconds:.1f} s).").format(
        db=describe(settings.db), path=result.path, size=_size(result.size),
        seconds=result.seconds))
    try:
        with _current_database(settings):
            record_backup(result)
    except SetupError as exc:
        print("deskterm: " + _("The backup is made but not on the deadline calendar: "
                               "{reason}").format(reason=exc.message), file=sys.stderr)
    return 0


def _restore(settings, file: str) -> int:
    from deskterm.db.backup import restore_postgres, restore_sqlite
    from deskterm.db.connection import close_database, describe, is_postgres_url, open_database
    from deskterm.i18n import _

    where = describe(settings.db)
    if is_postgres_url(settings.db):
        db = open_database(settings.db)
        try:
            restore_postgres(db, settings.db, file)
        finally:
            close_database()
        print(_("{path} restored into {db}.").format(path=file, db=where))
        return 0
    result = restore_sqlite(file, settings.db)
    print(_("{path} restored into {db}.").format(path=file, db=where))
    if result.kept is not None:
        print(_("The database it replaced is kept as {kept}.").format(kept=result.kept))
    if result.needs_migrate:
        print(_("It was made by an older deskterm: run `deskterm migrate --db {db}` before "
                "opening it.").format(db=settings.db))
    return 0


def _read_pin(from_stdin: bool) -> str:
    import sys
    from getpass import getpass

    from deskterm.errors import SetupError
    from deskterm.i18n import _

    if from_stdin:
        return sys.stdin.readline().strip()
    first = getpass(_("PIN (4 to 8 digits): "))
    if getpass(_("The same PIN again: ")) != first:
        raise SetupError(_("The two PINs differ; nothing was saved."))
    return first


def _office(settings, args) -> int:
    from deskterm.cli import _current_database
    from deskterm.duties import setup
    from deskterm.duties.desk import desk_office
    from deskterm.duties.office_settings import set_office, shown
    from deskterm.errors import DutyError, SetupError
    from deskterm.i18n import _

    with _current_database(settings):
        try:
            if args.office_command == "add":
                office = setup.add_office(args.name, timezone=args.timezone)
                print(_("Office {id}: {name}").format(id=office.id, name=office.name))
                return 0
            office = desk_office(settings.office)
            if args.office_command == "set":
                pairs = args.pairs
                if len(pairs) % 2:
                    raise SetupError(_("Give each setting a value: KEY VALUE [KEY VALUE …]."))
                changed = set_office(office, None, **dict(zip(pairs[::2], pairs[1::2],
                                                                strict=True)))
                if not changed:
                    print(_("Nothing changed."))
            for key, label, value in shown(office):
                print(f"{key}\t{value}\t{label}")
            return 0
        except DutyError as exc:
            raise SetupError(exc.message) from exc


def _staff(settings, args) -> int:
    from deskterm.cli import _current_database
    from deskterm.db.models import Staff
    from deskterm.duties import setup, staff_admin
    from deskterm.duties.desk import desk_office
    from deskterm.errors import DutyError, SetupError
    from deskterm.i18n import _

    command = args.staff_command
    with _current_database(settings):
        office = desk_office(settings.office)
        try:
            if command == "list":
                for line in staff_admin.staff_lines(office):
                    repairs = (f"\t{staff_admin.skills_words(line.skills)}"
                               if line.role == "technician" else "")
                    print(f"{line.name}\t{line.role}\t{staff_admin.state_words(line)}{repairs}")
                return 0
            if command == "add":
                pin = (_read_pin(args.pin_stdin) if args.role in Staff.DESK_ROLES else None)
                person = setup.add_staff(office, args.name, args.role, pin)
                print(_("{name} ({role}) added to {office}").format(
                    name=person.name, role=person.role, office=office.name))
                return 0
            person = staff_admin.find_person(office, args.name)
            if command == "role":
                staff_admin.change_role(office, None, person.id, args.role)
                said = _("{name} is now {role}.").format(
                    name=person.name, role=_(staff_admin.ROLE_WORDS[args.role]))
            elif command == "pin":
                staff_admin.set_pin(office, None, person.id, _read_pin(args.pin_stdin))
                said = _("{name} has a new PIN.").format(name=person.name)
            elif command == "contact":
                staff_admin.set_contact(office, None, person.id, args.phone)
                said = _("{name}'s phone is saved.").format(name=person.name)
            elif command == "notify":
                from deskterm.messaging.addresses import masked

                person = staff_admin.set_notify(office, None, person.id, args.url)
                said = (_("{name}'s messages go to {url}.").format(
                    name=person.name, url=masked(person.notify_url)) if person.notify_url
                    else _("{name} has no notification address now.").format(name=person.name))
            elif command == "skills":
                person = staff_admin.set_skills(office, None, person, " ".join(args.categories))
                said = staff_admin.skills_said(person)
            elif command == "unlock":
                staff_admin.lift_lockout(office, None, person.id)
                said = _("{name}'s PIN is unlocked.").format(name=person.name)
            else:
                staff_admin.mark_leaver(office, None, person.id)
                said = _("{name} has left: no sign-in from now on; the history keeps the "
                         "name.").format(name=person.name)
        except DutyError as exc:
            raise SetupError(exc.message) from exc
    print(said)
    return 0
