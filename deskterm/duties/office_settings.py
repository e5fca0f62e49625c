"""The office's settings, changed by its manager without SQL: the name the phone greeting
says, the time zone, the day's schedule and the summer/winter dates, the idle-lock minutes,
the callback window, the cash-difference limit, the usual float, the banks the cash
goes to and the daily backup's time on the deadline calendar.

``SETTINGS`` names each (its key is the Office field), how the manager reads it and how a
typed value is checked. ``set_office(office, by, **typed)`` checks every value first (a
refused one is a ``DutyError`` naming its field; nothing is written), then writes those
that changed in one transaction, their before and after in the change log with who made
the change (None: the command line).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deskterm.db import changes
from deskterm.db.models import Office, Staff
from deskterm.duties.records import locked, update_row
from deskterm.duties.schedule import parse_hhmm
from deskterm.errors import DutyError, SetupError
from deskterm.i18n import N_, _
from deskterm.money import format_fen, parse_amount

_MONTH_DAY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})$")


def _name(text: str, field: str) -> str:
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    if not cleaned:
        raise DutyError(_("Enter the office's name."), field)
    if len(cleaned) > 60 or any(not ch.isprintable() for ch in cleaned):
        raise DutyError(_("At most 60 printable characters."), field)
    return cleaned


def _zone(text: str, field: str) -> str:
    cleaned = (text or "").strip()
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DutyError(_("Unknown time zone '{zone}': use a name like Asia/Shanghai.")
                        .format(zone=cleaned), field) from exc
    return cleaned


def _time(text: str, field: str) -> str:
    try:
        return parse_hhmm(text, field).strftime("%H:%M")
    except SetupError as exc:
        raise DutyError(_("Write a time like 08:30."), field) from exc


#: What the manager types for "no daily backup on the calendar" (besides nothing at all).
_OFF = ("-", "off", "none", "关", "无")


def _backup_time(text: str, field: str) -> str:
    """``02:30``; empty (or ``-``, ``off``): the daily backup is not on the calendar."""
    cleaned = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not cleaned or cleaned.lower() in _OFF:
        return ""
    try:
        return parse_hhmm(cleaned, field).strftime("%H:%M")
    except SetupError as exc:
        raise DutyError(_("Write a time like 02:30, or leave it empty for no daily backup "
                          "on the calendar."), field) from exc


def _month_day(text: str, field: str) -> str:
    match = _MONTH_DAY.match(unicodedata.normalize("NFKC", text or "").strip())
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        try:
            dt.date(2024, month, day)  # a leap year: 02-29 is a date
            return f"{month:02d}-{day:02d}"
        except ValueError:
            pass
    raise DutyError(_("Write a date like 05-01 (month-day)."), field)


def _whole(low: int, high: int) -> Callable[[str, str], int]:
    def parse(text: str, field: str) -> int:
        cleaned = unicodedata.normalize("NFKC", str(text or "")).strip()
        if not cleaned.isdigit() or not low <= int(cleaned) <= high:
            raise DutyError(_("A whole number from {low} to {high}.").format(
                low=low, high=high), field)
        return int(cleaned)
    return parse


def _money(text: str, field: str) -> int:
    return parse_amount(str(text or ""), field=field)


#: At most this many banks, each at most 40 characters.
MAX_BANKS = 10


def _banks(text: str, field: str) -> str:
    """``工商银行翠湖支行、建设银行`` (commas, 、 or new lines between) → one bank a line."""
    names = [" ".join(part.split()) for part in re.split(r"[,，、;；\n]+",
                                                        unicodedata.normalize("NFKC", text or ""))]
    names = [name for name in names if name]
    if len(names) > MAX_BANKS or any(len(n) > 40 or not n.isprintable() for n in names):
        raise DutyError(_("At most {n} banks, each at most 40 characters, between commas.")
                        .format(n=MAX_BANKS), field)
    return "\n".join(dict.fromkeys(names))


def bank_list(office: Office) -> list[str]:
    """The office's banks, the first the one to propose."""
    return [line.strip() for line in (office.banks or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class Setting:
    key: str  # the Office field
    label: str  # translate with _()
    parse: Callable[[str, str], object]
    show: Callable[[object], str] = str


SETTINGS: tuple[Setting, ...] = (
    Setting("name", N_("Name (the phone greeting)"), _name),
    Setting("timezone", N_("Time zone"), _zone),
    Setting("sign_in_at", N_("Morning sign-in"), _time),
    Setting("meeting_end_at", N_("Meeting ends"), _time),
    Setting("handover_end_at", N_("Handover ends"), _time),
    Setting("phones_open_at", N_("Phones open"), _time),
    Setting("lunch_out_at", N_("Lunch sign-out"), _time),
    Setting("afternoon_in_at", N_("Afternoon sign-in"), _time),
    Setting("deposit_by_at", N_("Cash to the bank by"), _time),
    Setting("sign_out_winter_at", N_("Evening sign-out, winter"), _time),
    Setting("sign_out_summer_at", N_("Evening sign-out, summer"), _time),
    Setting("summer_start", N_("Summer hours from"), _month_day),
    Setting("winter_start", N_("Winter hours from"), _month_day),
    Setting("idle_lock_minutes", N_("Idle lock after (minutes)"), _whole(1, 240)),
    Setting("callback_window_hours", N_("Callback within (hours)"), _whole(1, 168)),
    Setting("cash_difference_limit", N_("Cash difference limit (¥)"), _money,
            lambda fen: format_fen(fen)),
    Setting("default_float", N_("Usual float (¥; 0: none)"), _money,
            lambda fen: format_fen(fen)),
    Setting("banks", N_("Banks for deposits (commas)"), _banks,
            lambda text: "、".join((text or "").splitlines())),
    Setting("backup_at", N_("Daily backup (empty: off)"), _backup_time,
            lambda hhmm: hhmm or "-"),
)


def _address(text: str, field: str) -> str:
    from deskterm.messaging.addresses import check_url

    return check_url(text, field)


def _masked(url: object) -> str:
    from deskterm.messaging.addresses import masked

    return masked(str(url or "")) or "-"


#: Set from the command line only (never shown in full, so not on the office form): the
#: group chat's address for messages to technicians who have none (``deskterm/messaging``).
ADDRESSES: tuple[Setting, ...] = (
    Setting("notify_url", N_("Group chat for technicians' messages"), _address, _masked),
)
BY_KEY = {s.key: s for s in (*SETTINGS, *ADDRESSES)}


def shown(office: Office) -> list[tuple[str, str, str]]:
    """``(key, label, value)`` for each setting, as the manager reads them."""
    return [(s.key, _(s.label), s.show(getattr(office, s.key)))
            for s in (*SETTINGS, *ADDRESSES)]


def check_settings(typed: dict[str, str]) -> dict[str, object]:
    """Every typed value checked (the first refused raises, naming its key)."""
    values = {}
    for key, text in typed.items():
        setting = BY_KEY.get(key)
        if setting is None:
            raise DutyError(_("There is no setting '{key}': one of {keys}.").format(
                key=key, keys=", ".join(BY_KEY)), "key")
        values[key] = setting.parse(text, key)
    return values


def set_office(office: Office, by: Staff | None, **typed: str) -> dict[str, object]:
    """Write the settings that changed; returns them (empty: nothing changed)."""
    values = check_settings(typed)
    with changes.write():
        row = locked(Office.select().where(Office.id == office.id)).get()
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        plain = {k: v for k, v in changed.items() if k not in ("notify_url",)}
        if plain:
            update_row(row, row, by, "settings", **plain)
        if "notify_url" in changed:  # the change log holds it masked
            from deskterm.messaging.outbox import store_address

            store_address(row, row, by, "settings", changed["notify_url"])
    for key, value in changed.items():
        setattr(office, key, value)  # the caller's copy too: the desk goes on with it
    return changed
