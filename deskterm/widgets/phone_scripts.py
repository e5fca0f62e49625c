"""The phone scripts beside the call-intake form, with the live values filled in.

The words are the work instruction's ([7.4.3] greeting, [7.4.5] read-back, [7.4.6]
closing, [7.4.7] the technician is busy). ``script_lines()`` is pure (no Textual, no
database), so tests can check the text; ``PhoneScripts`` shows it as plain text (markup
off: a request typed as ``[red]x[/red]`` is read back literally).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from deskterm.clock import local
from deskterm.display import plain
from deskterm.i18n import _

_CJK_START = "\u3400"


@dataclass(frozen=True)
class ScriptValues:
    """What the scripts say; empty strings and None where the clerk has not typed yet."""

    office: str
    caller_name: str = ""
    unit: str = ""
    phone: str = ""
    request: str = ""
    appointment: dt.datetime | None = None
    # [7.4.7]: the technician is busy at the time asked for; where, and when they can come.
    busy_building: str | None = None
    offered: dt.datetime | None = None
    # An order for a public place (the east gate, a building's stairwell): its name ("" not
    # chosen yet); None for the caller's home. The read-back and the closing name it.
    place: str | None = None


def address(name: str) -> str:
    """How to address the caller: the surname of a Chinese name with 先生/女士 (the
    instruction's "#先生或女士"), a Latin name as it is."""
    name = " ".join((name or "").split())
    if not name:
        # Translators: addressing a caller whose name is not known yet: 先生/女士.
        return _("Sir or Madam")
    surname = name[0] if name[0] >= _CJK_START else name
    # Translators: {surname}先生/女士 (the work instruction's "#先生或女士").
    return _("Mr/Ms {surname}").format(surname=surname)


def spoken_time(moment: dt.datetime | None, tz: str, now: dt.datetime) -> str:
    """A time as the clerk says it: ``14:30`` today (14点30分), with the date otherwise."""
    if moment is None:
        return "…"
    shown = local(moment, tz)
    # Translators: a time read out on the phone; Chinese: {hour}点{minute}分.
    clock = _("{hour}:{minute}").format(hour=shown.format("H"), minute=shown.format("mm"))
    if shown.date() == local(now, tz).date():
        return clock
    # Translators: a date and time read out on the phone; Chinese: {month}月{day}日{time}.
    return _("{month}/{day} {time}").format(month=shown.month, day=shown.day, time=clock)


def script_lines(values: ScriptValues, tz: str, now: dt.datetime) -> list[tuple[str, str]]:
    """``(label, words)`` for each script, in the order of the call."""
    blank = "…"
    lines = [
        # Translators: [7.4.3] the greeting, exactly 您好！{office}
        (_("Greet"), _("Hello! {office}").format(office=values.office)),
        # Translators: [7.4.5] the read-back; Chinese: 跟您确认一下：{request}；姓名：{name}；
        # 地址：{unit}；电话：{phone}；预约时间：{time}。对吗？
        (_("Read back"), _("Let me read that back: {request}; name: {name}; address: {unit}; "
                           "phone: {phone}; time: {time}. Is that right?").format(
            request=values.request or blank, name=values.caller_name or blank,
            unit=(values.unit if values.place is None else values.place) or blank,
            phone=values.phone or blank,
            time=spoken_time(values.appointment, tz, now))),
    ]
    if values.offered is not None:
        building = values.busy_building or _("another building")
        time = spoken_time(values.offered, tz, now)
        if values.place is None:
            # Translators: [7.4.7] exactly {address}，对不起，我们的维修人员现正在{building}维修，
            # 我们大约在{time}到您家维修或服务，您看如何？
            busy = _("{address}, I am sorry: our technician is working at {building} just "
                     "now; we can be at your home at about {time} to repair or help. Would "
                     "that suit you?")
        else:
            # Translators: [7.4.7] for a public place: {address}，对不起，我们的维修人员现正在
            # {building}维修，我们大约在{time}到{place}维修或服务，您看如何？
            busy = _("{address}, I am sorry: our technician is working at {building} just "
                     "now; we can be at {place} at about {time} to repair or help. Would that "
                     "suit you?")
        lines.append((_("Busy"), busy.format(
            address=address(values.caller_name), building=building, time=time,
            place=values.place or blank)))
    if values.place is None:
        # Translators: [7.4.6] exactly 我们将在约定时间内到达您家进行维修或处理。{address}，再见。
        close = _("We will come to your home at the agreed time to repair or deal with it. "
                  "{address}, goodbye.")
    else:
        # Translators: [7.4.6] for a public place: 我们将在约定时间内到{place}进行维修或处理。
        # 谢谢您，{address}，再见。
        close = _("We will send a technician to {place} at the agreed time to repair or deal "
                  "with it. Thank you, {address}, goodbye.")
    lines.append((_("Close"), close.format(address=address(values.caller_name),
                                           place=values.place or blank)))
    return lines


class PhoneScripts(Static):
    """The scripts as plain text, one paragraph each, the label in bold."""

    def __init__(self, **kwargs) -> None:
        super().__init__(plain(""), markup=False, **kwargs)

    def show(self, values: ScriptValues, tz: str, now: dt.datetime) -> None:
        text = Text()
        for i, (label, words) in enumerate(script_lines(values, tz, now)):
            if i:
                text.append("\n")
            text.append(label + ": ", style="bold")
            text.append_text(plain(words))
        self.update(text)
