"""Settings of one person at one terminal: ``config.toml``, environment, command line.

What the office shares lives in the database; what belongs to one person at one terminal
(language, theme, key overrides, mouse on/off, which database...) lives in a TOML file in
the XDG config folder, ``~/.config/deskterm/config.toml`` (``DESKTERM_CONFIG`` names
another file). Environment variables override the file and command-line flags override
both. A missing file is fine: every setting has a default.

A bad file stops the desk with a ``SetupError`` that names the file and the line, so the
person who wrote it can fix it; an unknown key is an error too (it is nearly always a
typo that would otherwise be ignored in silence).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from deskterm.config_values import BINDING_IDS, Invalid, check_value, value_from_text
from deskterm.errors import SetupError
from deskterm.i18n import _, normalise_language
from deskterm.printing.settings import FILE, PrinterSettings

CONFIG_ENV = "DESKTERM_CONFIG"
CONFIG_NAME = "config.toml"

#: Environment variable of each setting that has one.
ENV_VARS = {
    "db": "DESKTERM_DB",
    "lang": "DESKTERM_LANG",
    "theme": "DESKTERM_THEME",
    "mouse": "DESKTERM_MOUSE",
    "office": "DESKTERM_OFFICE",
    "export_dir": "DESKTERM_EXPORT_DIR",
    "printer": "DESKTERM_PRINTER",
}



@dataclass(frozen=True)
class Settings:
    """The settings in force at this terminal, every layer applied."""

    db: str
    """A SQLite file path or a ``postgresql://`` URL."""
    lang: str
    """``en`` or ``zh_CN``."""
    theme: str
    """A Textual theme name."""
    mouse: bool
    """False: run without mouse reporting (every mouse move crosses an SSH link)."""
    keys: dict[str, str]
    """Binding id -> key(s), e.g. ``{"new_call": "f2,ctrl+n"}``, for ``App.set_keymap``."""
    office: int | None
    """The office this desk serves in a shared database; None: not chosen here."""
    export_dir: str
    """The folder exports are written to."""
    idle_lock_minutes: int | None
    """Overrides the office's idle lock for this terminal; None: the office's setting."""
    printer: PrinterSettings = FILE
    """This terminal's printer (``deskterm.printing.settings``); default: a file."""
    source: str = ""
    """The settings file that was read, or "" when there was none (for messages)."""


#: The keys a settings file may hold (every field but ``source``).
SETTING_NAMES = tuple(f.name for f in fields(Settings) if f.name != "source")


def config_path(environ: Mapping[str, str] = os.environ) -> Path:
    """The settings file: ``$DESKTERM_CONFIG``, else ``config.toml`` in the XDG config folder."""
    named = (environ.get(CONFIG_ENV) or "").strip()
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_path

    return user_config_path("deskterm", appauthor=False) / CONFIG_NAME


def default_theme(environ: Mapping[str, str] = os.environ) -> str:
    """``ansi-dark`` where Textual will draw with 16 colours, else ``textual-dark``.

    Follows the detection Textual relies on (Rich's): ``TEXTUAL_COLOR_SYSTEM`` decides when
    set; otherwise ``COLORTERM=truecolor``/``24bit`` or a ``TERM`` ending in ``-256color`` or
    ``-kitty`` mean many colours, and any other ``TERM`` (``linux``, ``xterm``, ``screen``,
    ``vt100``...) means 16. Windows consoles are not judged by ``TERM``.
    """
    system = (environ.get("TEXTUAL_COLOR_SYSTEM") or "").strip().lower()
    if system in ("standard", "windows"):
        return "ansi-dark"
    if system and system != "auto":
        return "textual-dark"
    if sys.platform == "win32":
        return "textual-dark"
    if (environ.get("COLORTERM") or "").strip().lower() in ("truecolor", "24bit"):
        return "textual-dark"
    term = (environ.get("TERM") or "").strip().lower()
    if term.rpartition("-")[2] in ("256color", "kitty"):
        return "textual-dark"
    return "ansi-dark"


def load_settings(
    *,
    flags: Mapping[str, object] | None = None,
    environ: Mapping[str, str] = os.environ,
    path: Path | None = None,
) -> Settings:
    """Read the settings file, then apply the environment, then the command-line ``flags``.

    ``flags`` uses the field names of ``Settings``; a None value means "not given". Flag
    ``keys`` (a mapping) is merged over the file's ``[keys]``. ``path`` defaults to
    ``config_path(environ)``; a missing file means defaults. Raises ``SetupError`` naming the
    file and line, the environment variable, or the flag that holds a bad value.
    """
    if path is None:
        path = config_path(environ)
    path = Path(path)
    values: dict[str, object] = {}
    keys: dict[str, str] = {}
    source = ""

    text = _read(path)
    if text is not None:
        source = str(path)
        from_file = _parse_file(path, text)
        keys.update(from_file.pop("keys", {}))  # type: ignore[arg-type]
        values.update(from_file)

    for name, variable in ENV_VARS.items():
        raw = environ.get(variable)
        if raw is None or not raw.strip():
            continue
        try:
            parsed = value_from_text(name, raw, variable)
        except Invalid as exc:
            raise SetupError(exc.problem) from None
        if name == "printer" and isinstance(values.get(name), PrinterSettings):
            # the printer named here, the file's encoding and width kept
            parsed = replace(parsed, encoding=values[name].encoding,  # type: ignore
                             width=values[name].width)  # type: ignore[union-attr]
        values[name] = parsed

    for name, value in (flags or {}).items():
        if name not in SETTING_NAMES:
            raise TypeError(f"unknown settings flag {name!r}")
        if value is None:
            continue
        flag = "--" + name.replace("_", "-")
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        try:
            if isinstance(value, str) and name != "keys":
                parsed = value_from_text(name, value, flag)
            else:
                parsed = check_value(name, value, flag)
        except Invalid as exc:
            raise SetupError(exc.problem) from None
        if name == "keys":
            keys.update(parsed)  # type: ignore[arg-type]
        else:
            values[name] = parsed

    return Settings(
        db=_or_default(values, "db", _default_db),
        lang=_or_default(values, "lang", lambda: _environment_language(environ)),
        theme=_or_default(values, "theme", lambda: default_theme(environ)),
        mouse=_or_default(values, "mouse", lambda: True),
        keys=keys,
        office=_or_default(values, "office", lambda: None),
        export_dir=_or_default(values, "export_dir", _default_export_dir),
        idle_lock_minutes=_or_default(values, "idle_lock_minutes", lambda: None),
        printer=_or_default(values, "printer", lambda: FILE),
        source=source,
    )


def example_config() -> str:
    """A commented sample ``config.toml`` showing every setting (for the README)."""
    bindings = _wrap(", ".join(BINDING_IDS), "#   ")
    return f"""\
# deskterm: settings of one person at one terminal.
# The file: ~/.config/deskterm/config.toml, or the file named by DESKTERM_CONFIG.
# Environment variables (DESKTERM_DB, DESKTERM_LANG, ...) override this file and
# command-line flags (--db, --lang, ...) override both. Every setting is optional:
# delete the "# " before a setting to use it.

# The database: a SQLite file, or a postgresql:// URL for a server shared by
# several desks. Default: ~/.local/share/deskterm/desk.db. Environment: DESKTERM_DB
# db = "/srv/deskterm/desk.db"
# db = "postgresql://desk@db.example.com:5432/deskterm"

# Language of the screens: "en" or "zh_CN".
# Default: from LANG, LC_ALL or LC_MESSAGES. Environment: DESKTERM_LANG
# lang = "zh_CN"

# Colour theme: any Textual theme (textual-dark, textual-light, ansi-dark,
# ansi-light, nord, gruvbox...). Default: "textual-dark"; "ansi-dark" on a
# 16-colour terminal (TERM=linux or xterm, TEXTUAL_COLOR_SYSTEM=standard).
# Environment: DESKTERM_THEME
# theme = "ansi-dark"

# Mouse: false stops mouse reporting; over SSH every mouse move crosses the link.
# Default: true. Environment: DESKTERM_MOUSE=0
# mouse = false

# Which office this desk serves, when one database holds several offices
# (the office's number). Default: not set. Environment: DESKTERM_OFFICE
# office = 2

# Where exports are written. Default: ~/Documents/deskterm.
# Environment: DESKTERM_EXPORT_DIR
# export_dir = "~/Documents/deskterm"

# Minutes without a key press before this terminal locks, in place of the
# office's setting. Default: the office's setting.
# idle_lock_minutes = 5

# The printer of this terminal: receipts, slips and lists go there (the file is
# written to the export folder first, whatever the printer). kind = "file" (the
# default), "network" (an ESC/POS receipt printer, port 9100), "queue" (a CUPS queue,
# through lp) or "terminal" (the printer at the clerk's PC, through PuTTY, SecureCRT
# or xterm: ANSI printer passthrough). encoding: "gb18030" (default), "gbk", "utf-8".
# width: characters a line (32 on 58 mm paper, 48 on 80 mm). Environment:
# DESKTERM_PRINTER=network:192.168.1.50:9100, queue:Front, terminal or file.
# A [printer] table with one key a line (kind = "queue", queue = "Front") is the same.
# printer = {{ kind = "network", host = "192.168.1.50", port = 9100, encoding = "gb18030", width = 32 }}

# Other keys for the desk's commands: binding = "key", or several keys separated
# by commas. Key names: f2, ctrl+n, ctrl+shift+a, escape, question_mark...
# Bindings:
{bindings}
# [keys]
# new_call = "f2,ctrl+n"
# payment = "f3"
# command_palette = "ctrl+p"
"""


# -- reading the file ------------------------------------------------------------------


def _read(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise SetupError(
            _("The settings file {path} is a folder, not a file.").format(path=path)
        ) from None
    except OSError as exc:
        raise SetupError(
            _("Cannot read the settings file {path}: {error}").format(
                path=path, error=exc.strerror or exc)
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SetupError(
            _at(path, line, _("the file is not UTF-8 text; save it as UTF-8."))
        ) from None


def _parse_file(path: Path, text: str) -> dict[str, object]:
    import difflib  # only when there is a file: not on a plain launch's path (issue #15)
    import tomllib

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SetupError(_toml_error(path, text, exc)) from None
    values: dict[str, object] = {}
    for name, value in document.items():
        if name not in SETTING_NAMES:
            problem = _("'{key}' is not a setting; the settings are: {known}.").format(
                key=name, known=", ".join(SETTING_NAMES))
            close = difflib.get_close_matches(name, SETTING_NAMES, n=1)
            if close:
                problem += " " + _("Did you mean '{key}'?").format(key=close[0])
            raise SetupError(_at(path, _line_of(text, (name,)), problem))
        try:
            values[name] = check_value(name, value, f"'{name}'")
        except Invalid as exc:
            where = (name, exc.key) if exc.key else (name,)
            raise SetupError(_at(path, _line_of(text, where), exc.problem)) from None
    return values


def _toml_error(path: Path, text: str, exc: ValueError) -> str:  # a TOMLDecodeError
    # Python 3.11's TOMLDecodeError has no lineno: it is in the message.
    message = str(exc)
    line: int | None = None
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)\s*$", message)
    if found:
        line = int(found.group(1))
        message = message[: found.start()] + " " + _("(column {column})").format(
            column=found.group(2))
    else:
        end = re.search(r"\s*\(at end of document\)\s*$", message)
        if end:
            line = max(1, len(text.splitlines()))
            message = message[: end.start()] + " " + _("(at the end of the file)")
    return _at(path, line, message.strip())


def _at(path: Path, line: int | None, problem: str) -> str:
    if line is None:
        return _("{file}: {problem}").format(file=path, problem=problem)
    return _("{file} line {line}: {problem}").format(file=path, line=line, problem=problem)


_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _key_pattern(key: str) -> str:
    quoted = re.escape(key)
    return rf"(?:{quoted}|\"{quoted}\"|'{quoted}')"


def _table_name(header: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in header.split("."))


def _line_of(text: str, where: tuple[str, ...]) -> int | None:
    """The line that defines ``where`` (a key path such as ``("keys", "new_call")``).

    Looks for ``key =`` inside the right ``[table]``, for a dotted ``table.key =`` above
    it, or for the ``[table]`` header itself; falls back to the enclosing table's line
    (for a key inside an inline table). None when nothing matches.
    """
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _table_name(header.group(1))
            if table == where:
                return number
            continue
        if len(where) > len(table) and where[: len(table)] == table:
            rest = where[len(table):]
            dotted = r"\s*\.\s*".join(_key_pattern(part) for part in rest)
            if re.match(rf"^\s*{dotted}\s*[=.]", line):
                return number
    if len(where) > 1:
        return _line_of(text, where[:-1])
    return None


# -- checking values -------------------------------------------------------------------


def _or_default(values: Mapping[str, object], name: str, default: Callable[[], object]):
    return values[name] if name in values else default()


def _default_db() -> str:
    from deskterm.paths import default_database_path

    return str(default_database_path())


def _default_export_dir() -> str:
    from platformdirs import user_documents_path

    return str(user_documents_path() / "deskterm")


def _environment_language(environ: Mapping[str, str]) -> str:
    """``deskterm.i18n.language_from_environment`` on the given environment."""
    if environ is os.environ:
        from deskterm.i18n import language_from_environment

        return language_from_environment()
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return normalise_language(value)
    return "en"


def _wrap(text: str, prefix: str, width: int = 80) -> str:
    lines: list[str] = []
    line = prefix
    for word in text.split(" "):
        if len(line) + len(word) > width and line.strip() != prefix.strip():
            lines.append(line.rstrip())
            line = prefix
        line += word + " "
    lines.append(line.rstrip())
    return "\n".join(lines)
