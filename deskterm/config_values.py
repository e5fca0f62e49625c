"""Checking each setting's value, from the config file, the environment or a flag: one
function per setting, each returning the value to use or raising ``Invalid`` with the
problem in words a person can act on (``deskterm.config`` says where the value came from).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from deskterm.i18n import _, normalise_language
from deskterm.printing.settings import PrinterSettingError, check_printer, printer_from_text

#: Binding ids a person may rebind under ``[keys]`` (passed to ``App.set_keymap``).
BINDING_IDS = (
    "help", "new_call", "payment", "callback", "handover", "cash", "complaint", "visitor",
    "reports", "books", "register", "quit", "maximize", "sign_out", "command_palette",
)

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_KEY_NAME = re.compile(r"[a-z0-9_]+(?:\+[a-z0-9_]+)*")


class Invalid(Exception):
    """A bad value; ``problem`` is the message, ``key`` the binding id when under [keys]."""

    def __init__(self, problem: str, key: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.key = key


def check_value(name: str, value: object, shown: str) -> object:
    """A typed value (from TOML or a flag) checked; ``shown`` names it in messages."""
    return _CHECKS[name](value, shown)


def value_from_text(name: str, raw: str, shown: str) -> object:
    """A value given as text (an environment variable or a flag) parsed and checked."""
    text = raw.strip()
    if name == "mouse":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise Invalid(
            _("{name} must be one of 0, 1, true, false, yes, no, on, off; not '{value}'.").format(
                name=shown, value=raw)
        )
    if name == "printer":
        try:
            return printer_from_text(text, shown)
        except PrinterSettingError as exc:
            raise Invalid(exc.problem) from None
    if name in ("office", "idle_lock_minutes"):
        try:
            number: int | None = int(text)
        except ValueError:
            number = None
        if number is None or number < 1:
            raise Invalid(_whole_number(name, shown, f"'{raw}'"))
        return number
    return check_value(name, text, shown)


def _whole_number(name: str, shown: str, value: str) -> str:
    if name == "office":
        return _("{name} must be the office's number, a whole number of 1 or more; "
                 "not {value}.").format(name=shown, value=value)
    return _("{name} must be a whole number of minutes, 1 or more; not {value}."
             ).format(name=shown, value=value)


def _text(value: object, shown: str) -> str:
    if not isinstance(value, str):
        raise Invalid(_("{name} must be text in quotes; not {value}.").format(
            name=shown, value=_show(value)))
    if not value.strip():
        raise Invalid(_("{name} must not be empty.").format(name=shown))
    return value.strip()


def _check_db(value: object, shown: str) -> str:
    return _text(value, shown)


def _check_lang(value: object, shown: str) -> str:
    text = _text(value, shown)
    base = text.lower().replace("-", "_").split(".")[0].split("@")[0]
    if base in ("c", "posix") or base.split("_")[0] in ("en", "zh"):
        return normalise_language(text)
    raise Invalid(_("{name} must be en or zh_CN; not '{value}'.").format(name=shown, value=text))


def _check_theme(value: object, shown: str) -> str:
    return _text(value, shown)


def _check_mouse(value: object, shown: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(
            _("{name} must be true or false (without quotes); not {value}.").format(
                name=shown, value=_show(value)))
    return value


def _check_keys(value: object, shown: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise Invalid(
            _("{name} must be a table: a [keys] line, then lines such as "
              "new_call = \"f2\".").format(name=shown))
    keys: dict[str, str] = {}
    for binding, key in value.items():
        if binding not in BINDING_IDS:
            problem = _("'{key}' is not a key binding; the bindings are: {known}.").format(
                key=binding, known=", ".join(BINDING_IDS))
            close = difflib.get_close_matches(str(binding), BINDING_IDS, n=1)
            if close:
                problem += " " + _("Did you mean '{key}'?").format(key=close[0])
            raise Invalid(problem, key=str(binding))
        keys[binding] = _check_key_string(binding, key)
    return keys


def _check_key_string(binding: str, value: object) -> str:
    problem = _("'{binding}' must be key names in quotes, separated by commas, such as "
                "\"f2\" or \"f2,ctrl+n\"; not {value}.").format(
                    binding=binding, value=_show(value))
    if not isinstance(value, str):
        raise Invalid(problem, key=binding)
    parts = [part.strip() for part in value.split(",")]
    if not all(_KEY_NAME.fullmatch(part) for part in parts):
        raise Invalid(problem, key=binding)
    return ",".join(parts)


def _check_whole(name: str, value: object, shown: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problem = _whole_number(name, shown, _show(value))
        if isinstance(value, str):
            problem += " " + _("Write the number without quotes.")
        raise Invalid(problem)
    return value


def _check_office(value: object, shown: str) -> int:
    return _check_whole("office", value, shown)


def _check_idle(value: object, shown: str) -> int:
    if value == 0 and not isinstance(value, bool):  # 0: this terminal never locks
        return 0
    return _check_whole("idle_lock_minutes", value, shown)


def _check_export_dir(value: object, shown: str) -> str:
    return str(Path(_text(value, shown)).expanduser())


def _check_printer(value: object, shown: str) -> object:
    try:
        return check_printer(value, shown)
    except PrinterSettingError as exc:
        raise Invalid(exc.problem, key=exc.key) from None


_CHECKS: dict[str, Callable[[object, str], object]] = {
    "db": _check_db,
    "lang": _check_lang,
    "theme": _check_theme,
    "mouse": _check_mouse,
    "keys": _check_keys,
    "office": _check_office,
    "export_dir": _check_export_dir,
    "idle_lock_minutes": _check_idle,
    "printer": _check_printer,
}


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


# -- defaults --------------------------------------------------------------------------
