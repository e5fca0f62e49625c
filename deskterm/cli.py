"""The ``deskterm`` command: open the desk, build the demo office, migrate a database.

    deskterm [--db PATH|URL] [--lang en|zh_CN] [--no-mouse] [--theme NAME] [--office N]
    deskterm demo [--db PATH] [--orders N] [--seed N] [--no-open] [--rebuild]
    deskterm migrate [--db PATH|URL]
    deskterm roster import FILE [--db PATH|URL] [--office N] [--as NAME] [--dry-run]
    deskterm report --list
    deskterm report NAME [--period WORDS] [--format csv|xlsx] [--out FILE|FOLDER] [--db ...]
    deskterm office add|show|set …, deskterm staff add|list|role|pin|unlock|leave …,
    deskterm backup FILE, deskterm restore FILE (``cli_admin``: the manager's commands)
    deskterm call NUMBER, deskterm call-listener (``cli_calls``: a telephone system's)

Problems a person must fix (a bad config line, a database newer than the code, an
unwritable folder...) print one clear message and exit with status 2, never a traceback.
Imports are deferred so that ``--help`` and errors answer quickly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from contextlib import contextmanager

from deskterm import __version__


def _early_language(argv: Sequence[str]) -> str:
    """The language for --help and errors, before the config file is read:
    --lang, then DESKTERM_LANG, then LANG/LC_ALL."""
    import os

    from deskterm.i18n import language_from_environment, normalise_language

    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return normalise_language(argv[index + 1])
        if arg.startswith("--lang="):
            return normalise_language(arg.split("=", 1)[1])
    if os.environ.get("DESKTERM_LANG"):
        return normalise_language(os.environ["DESKTERM_LANG"])
    return language_from_environment()


def _parser() -> argparse.ArgumentParser:
    from deskterm.i18n import _

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help=_("SQLite file or postgresql:// URL (env DESKTERM_DB)"))
    common.add_argument("--lang", help=_("en or zh_CN (env DESKTERM_LANG, LANG)"))
    common.add_argument("--theme", help=_("Textual theme, e.g. ansi-dark for 16 colours"))
    common.add_argument("--no-mouse", dest="mouse", action="store_false", default=None,
                        help=_("do not ask the terminal for mouse events (for slow SSH links)"))
    common.add_argument("--office",
                        help=_("which office of a shared database this desk serves"))

    parser = argparse.ArgumentParser(
        prog="deskterm", parents=[common],
        description=_("The reception duty desk of a property-management office."))
    parser.add_argument("--version", action="version", version=f"deskterm {__version__}")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", parents=[common],
                          help=_("build (if missing) and open the demo office"))
    demo.add_argument("--orders", type=int, default=None,
                      help=_("repair orders of history (default about 8,800; up to 1,000,000)"))
    demo.add_argument("--seed", type=int, default=2026, help=_("random seed (default 2026)"))
    demo.add_argument("--no-open", action="store_true", help=_("only build it"))
    demo.add_argument("--rebuild", action="store_true",
                      help=_("build it anew even if present"))
    sub.add_parser("migrate", parents=[common],
                   help=_("create or upgrade the database's tables"))
    roster = sub.add_parser("roster", parents=[common], help=_("the owner roster (业主名册)"))
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    roster_import = roster_sub.add_parser(
        "import", parents=[common],
        help=_("import the owner roster from a CSV or XLSX file: all of it, or nothing"))
    roster_import.add_argument("file", help=_("the roster file (.csv or .xlsx)"))
    roster_import.add_argument("--dry-run", action="store_true",
                               help=_("check the file and count what it would do; store nothing"))
    roster_import.add_argument(
        "--as", dest="as_name", metavar="NAME",
        help=_("who the change log names (default: the office's first manager, else its "
               "first supervisor)"))
    report = sub.add_parser(
        "report", parents=[common],
        help=_("write a report to a CSV or XLSX file (for a cron job)"))
    report.add_argument("name", nargs="?", help=_("the report (see --list)"))
    report.add_argument("--list", action="store_true", help=_("list the reports and stop"))
    report.add_argument(
        "--period",
        help=_("this-week, last-week, this-month, last-month, 2026-11 or "
               "2026-11-01..2026-11-15 (default: the report's own)"))
    report.add_argument("--format", choices=("csv", "xlsx"),
                        help=_("csv or xlsx (default: from --out's name, else xlsx)"))
    report.add_argument("--out", metavar="FILE",
                        help=_("the file (or folder) to write; default: the export folder"))
    from deskterm import cli_admin

    cli_admin.add_parsers(sub, common)
    from deskterm import cli_calls

    cli_calls.add_parsers(sub, common)
    return parser


def _flags(args: argparse.Namespace) -> dict[str, object]:
    return {"db": args.db, "lang": args.lang, "theme": args.theme, "mouse": args.mouse,
            "office": args.office}


def main(argv: Sequence[str] | None = None) -> int:
    from deskterm.i18n import set_language

    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_early_language(argv))
    args = _parser().parse_args(argv)
    from deskterm.errors import SetupError

    before = _history_forked()  # (tests call main() again in one process)
    try:
        code = _run(args)
    except SetupError as exc:
        print(f"deskterm: {exc.message}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    forked = _history_forked()
    if forked is not None and forked is not before:  # it refused to save: say so again
        print(f"deskterm: {forked.message}", file=sys.stderr)
        code = code or 2
    return code


def _history_forked():
    """The open desk's ``HistoryForked``, if its SQLite file was removed or replaced under
    it. Its connections are still open, and stay so: ``close_database`` left them open,
    and nothing on the way out closes them (the last close would checkpoint the stale WAL
    over the other desk's file; see ``deskterm.db.history``)."""
    connection = sys.modules.get("deskterm.db.connection")  # never imported just for this
    return connection.history_forked() if connection is not None else None


def _run(args: argparse.Namespace) -> int:
    from deskterm.config import load_settings
    from deskterm.i18n import set_language

    flags = _flags(args)
    if args.command == "demo" and not args.db:
        flags["db"] = str(_demo_path())
    settings = load_settings(flags=flags)
    set_language(settings.lang)
    from deskterm.paths import skip_postgres_driver

    if not settings.db.startswith(("postgresql://", "postgres://")):
        skip_postgres_driver()
    if args.command == "migrate":
        return _migrate(settings.db)
    if args.command == "demo":
        return _demo(settings, args)
    if args.command == "roster":
        return _roster(settings, args)
    if args.command == "report":
        return _report(settings, args)
    from deskterm import cli_admin, cli_calls

    code = cli_calls.run(settings, args)
    if code is not None:
        return code
    code = cli_admin.run(settings, args)
    return _open(settings) if code is None else code


@contextmanager
def _current_database(settings, missing: str | None = None):
    """The database of ``settings`` opened and checked to be current, closed afterwards (a
    SQLite desk that found its file removed or replaced keeps its connections open until
    the process ends: ``close_database``). A SQLite file that is not there is refused
    with ``missing`` (opening it would leave an empty database file behind)."""
    from pathlib import Path

    from deskterm.db import schema
    from deskterm.db.connection import close_database, describe, is_postgres_url, open_database
    from deskterm.errors import SetupError
    from deskterm.i18n import _

    if not is_postgres_url(settings.db) and not Path(settings.db).expanduser().exists():
        raise SetupError(missing or _(
            "There is no database at {path}: run `deskterm migrate --db {path}` to create "
            "one.").format(path=settings.db))
    db = open_database(settings.db)
    try:
        schema.check(db, describe(settings.db))
        yield db
    finally:
        close_database()


def _roster(settings, args) -> int:
    """``deskterm roster import FILE``: 0 and the counts when it landed (or, with
    ``--dry-run``, would land); 2 and one line per problem on stderr when refused."""
    from pathlib import Path

    from deskterm.duties.desk import desk_office
    from deskterm.duties.residents.roster_import import (
        RosterRefused,
        import_clerk,
        import_roster,
        result_text,
    )
    from deskterm.errors import DutyError, SetupError
    from deskterm.i18n import ngettext

    with _current_database(settings):
        office = desk_office(settings.office)
        try:
            clerk = import_clerk(office, args.as_name)
            result = import_roster(office, clerk, args.file, dry_run=args.dry_run)
        except RosterRefused as exc:
            name = Path(args.file).name
            for problem in exc.problems:
                print(f"{name}: {problem}", file=sys.stderr)
            print("deskterm: " + ngettext("{count} problem; nothing was imported.",
                                          "{count} problems; nothing was imported.",
                                          len(exc.problems)).format(count=len(exc.problems)),
                  file=sys.stderr)
            return 2
        except DutyError as exc:
            raise SetupError(exc.message) from exc
        print(result_text(result, Path(args.file).name))
        return 0


def _report(settings, args) -> int:
    """``deskterm report``: the list of reports, or one written to a file; 0 and the
    file's path on stdout when written, 2 and one line on stderr when refused."""
    from pathlib import Path

    from deskterm.duties.desk import desk_office
    from deskterm.duties.reporting.reports import REPORTS, report_table
    from deskterm.errors import DutyError
    from deskterm.export import export_table
    from deskterm.i18n import _

    if args.list:
        for report in REPORTS.values():
            print(f"{report.name}\t{_(report.title)}")
        return 0
    if not args.name or args.name not in REPORTS:
        print("deskterm: " + (_("There is no report {name!r}: `deskterm report --list` lists "
                                "them.").format(name=args.name) if args.name
                              else _("Name a report: `deskterm report --list` lists them.")),
              file=sys.stderr)
        return 2
    fmt = args.format
    if fmt is None:
        suffix = Path(args.out).suffix.lower().lstrip(".") if args.out else ""
        fmt = suffix if suffix in ("csv", "xlsx") else "xlsx"
    with _current_database(settings):
        office = desk_office(settings.office)
        try:
            table = report_table(office, args.name, args.period)
            if args.out:
                path = export_table(table, fmt, path=args.out)
            else:
                path = export_table(table, fmt, settings.export_dir)
        except DutyError as exc:
            print(f"deskterm: {exc.message}", file=sys.stderr)
            return 2
        print(path)
        return 0


def _demo_path():
    from deskterm.paths import demo_database_path

    return demo_database_path()


def _migrate(db_value: str) -> int:
    from deskterm.db import schema
    from deskterm.db.connection import close_database, describe, open_database

    db = open_database(db_value)
    try:
        applied = schema.migrate(db)
    finally:
        close_database()
    from deskterm.i18n import _

    where = describe(db_value)
    if applied:
        print(_("{db}: applied {names}").format(db=where, names=", ".join(applied)))
    else:
        print(_("{db}: up to date").format(db=where))
    return 0


def _demo(settings, args) -> int:
    from deskterm.demo.sandbox import ensure_demo

    demo = ensure_demo(settings.db, orders=args.orders, seed=args.seed, rebuild=args.rebuild,
                       say=lambda text: print(text, file=sys.stderr))
    if args.no_open:
        print(settings.db)
        return 0
    return _open(settings, demo=demo)


def _demo_sign_in(office, demo):
    """The demo clerk's sign-in, started (like the panes' first data) before Textual is
    imported: checking the PIN (scrypt, tens of milliseconds) runs on the other core."""
    from deskterm.duties.desk import sign_in
    from deskterm.widgets.pane_data import Background

    return Background(lambda: sign_in(office, demo.clerk_id, demo.clerk_pin), "demo sign-in")


def _open(settings, demo=None) -> int:
    from deskterm.db.connection import describe
    from deskterm.duties.desk import desk_office
    from deskterm.i18n import _

    missing = _("There is no database at {path}: run `deskterm migrate --db {path}` to create "
                "one, or `deskterm demo` for the demo office.").format(path=settings.db)
    with _current_database(settings, missing):
        office = desk_office(settings.office)
        from deskterm.desk_log import start_log
        from deskterm.session import DeskSession

        start_log()  # tracebacks the clerk is spared go to the desk's log file
        from deskterm.widgets.pane_data import FirstLoad

        session = DeskSession(office=office, db_label=describe(settings.db),
                              demo=demo is not None)
        # The panes' first data is read while Textual is imported and started, so the
        # dashboard's first frame shows it (docs/PERFORMANCE.md, "Startup").
        first_load = FirstLoad(session)
        early_sign_in = _demo_sign_in(office, demo) if demo is not None else None
        first_load.also = early_sign_in  # the first frame names the demo's clerk
        from deskterm.app import DeskApp

        app = DeskApp(
            session, keymap=settings.keys, theme=settings.theme,
            demo_staff_id=demo.clerk_id if demo else None,
            demo_pin=demo.clerk_pin if demo else None,
            idle_lock_minutes=settings.idle_lock_minutes, first_load=first_load,
            demo_sign_in=early_sign_in,
        )
        app.run(mouse=settings.mouse)
    return app.return_code or 0
