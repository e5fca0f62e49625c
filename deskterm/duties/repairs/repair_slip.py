"""The repair slip (维修任务单) and its stub (存根) [7.4.8][7.4.9].

[7.4.8] the clerk fills in a repair slip from the owner's request and hands it to the
technician; [7.4.9] the technician brings it back filled in, and the clerk copies it onto
the stub kept at the desk (and into the order: the return form follows the slip's order).

- ``read_slip(office, order_id)``: what the slip says, read through ``order_view`` (the
  order, the names behind it, its history): who dispatched it and when, the earlier prints.
  Only an order with a technician is printed: a registered one is refused (dispatch it
  first: the slip goes to its technician), a cancelled one too. A returned (or later) order
  prints with what the return recorded filled in: the copy for the file [7.4.10].
- ``slip_document(slip, tz, width=40, now=)``: a ``printing.document.Document`` of two
  parts, the slip for the technician and the stub for the desk, every line at most
  ``width`` cells (CJK counts two; the request wraps at any character). A slip printed
  before says 补打 with this print's time and the first print's.
- ``print_slip(office, clerk, order_id, width=, folder=)``: the slip written as a file
  (``approval_lists.write_printout``) and the print recorded in the change log (topic
  ``repair_order``, action ``print_slip`` / ``reprint_slip``: the order's history shows it)
  in one transaction; the file is removed again when the record cannot be committed, so a
  slip exists only with its record. ``record_slip``: the same without the file, for a
  printer's sender that keeps the file itself.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
from dataclasses import dataclass
from pathlib import Path

from rich.cells import cell_len

from deskterm.clock import local, now_utc
from deskterm.db import changes
from deskterm.db.models import Office, RepairOrder, Staff
from deskterm.duties.agenda.timeline import CATEGORY_LABELS
from deskterm.duties.parsing import format_phone
from deskterm.duties.records import desk_person, locked
from deskterm.duties.repairs.approval_lists import printout_folder, write_printout
from deskterm.duties.repairs.order_view import OrderView, order_view
from deskterm.duties.repairs.order_words import RESULT_WORDS, URGENCY_WORDS, word
from deskterm.errors import DutyError
from deskterm.i18n import _
from deskterm.money import format_fen
from deskterm.printing.document import Document, Line, document_text

#: The change-log actions of a print (on topic ``repair_order``, the order's id).
PRINT_ACTION, REPRINT_ACTION = "print_slip", "reprint_slip"
PRINT_ACTIONS = (PRINT_ACTION, REPRINT_ACTION)
#: The states whose order has a technician to carry the slip (or carried it).
PRINTABLE_STATES = ("dispatched", "returned", "called_back", "approved", "handed_over",
                    "filed")
#: The width of a slip as plain text (a receipt printer's is 32 or 48), and the bounds.
WIDTH, MIN_WIDTH, MAX_WIDTH = 40, 24, 80
#: Blank material lines on a slip not yet returned.
MATERIAL_BLANKS = 3


@dataclass(frozen=True)
class SlipPrint:
    at: dt.datetime  # naive UTC
    by: str


@dataclass(frozen=True)
class Slip:
    office: str
    order: OrderView
    dispatched_by: str  # "" when not known (an order seeded without its history)
    printed: tuple[SlipPrint, ...]  # the earlier prints, oldest first

    @property
    def reprint(self) -> bool:
        return bool(self.printed)


@dataclass(frozen=True)
class PrintedSlip:
    path: Path | None  # the file written (None: a printer's sender keeps it)
    document: Document
    copy_of: SlipPrint | None  # the first print when this one is 补打


def slip_refusal(state: str, number: str) -> str | None:
    """Why an order in ``state`` has no slip to print, or None when it has one."""
    if state in PRINTABLE_STATES:
        return None
    if state == "registered":
        return _("Order {number} has no technician yet: dispatch it first (d), then print "
                 "the slip for him.").format(number=number)
    return _("Order {number} is cancelled: it has no slip to print.").format(number=number)


def read_slip(office: Office, order_id: int, tz: str | None = None) -> Slip:
    """What the slip of this office's order ``order_id`` says (DutyError "order" when there
    is no such order or its state has no slip)."""
    view = order_view(office, order_id, tz)
    if view is None:
        raise DutyError(_("There is no such repair order at this office."), "order")
    refusal = slip_refusal(view.state, view.number)
    if refusal:
        raise DutyError(refusal, "order")
    dispatchers = [h.who for h in view.history if h.action == "dispatch"]
    if dispatchers:
        dispatched_by = dispatchers[-1]
    elif view.dispatched_at is not None and view.dispatched_at == view.registered_at:
        dispatched_by = view.registered_by  # registered with its technician at once
    else:
        dispatched_by = ""
    printed = tuple(SlipPrint(h.at, h.who) for h in view.history if h.action in PRINT_ACTIONS)
    return Slip(office.name, view, dispatched_by, printed)


# --- lines ----------------------------------------------------------------------------------------

def wrap(text: str, width: int, indent: int = 0) -> list[str]:
    """``text`` in lines of at most ``width`` cells, cut at any character (CJK has no spaces
    to break at), the lines after the first indented by ``indent`` spaces; a Latin word or
    a number is carried whole to the next line when it fits there."""
    lines, line = [], ""
    for char in "".join(ch if ch.isprintable() else " " for ch in text):
        if cell_len(line + char) > width:
            head, space, word_ = line.rpartition(" ")
            carry = (char.isascii() and not char.isspace() and space and head.strip()
                     and word_.isascii() and cell_len(word_) + indent + 1 < width)
            if carry:
                lines.append(head.rstrip())
                line = " " * indent + word_ + char
            else:
                lines.append(line.rstrip())
                line = " " * indent + char.lstrip()
        else:
            line += char
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def pair(left: str, right: str, width: int) -> list[str]:
    """``left`` and ``right`` on one line, ``right`` against the right edge; on two lines
    when they do not fit together."""
    room = width - cell_len(left) - cell_len(right)
    if room >= 2:
        return [left + " " * room + right]
    return wrap(left, width, 2) + wrap(right, width, 2)


def blank(label: str, width: int) -> str:
    """``label`` and a line to write on, to the width."""
    return label + "_" * max(0, width - cell_len(label))


def moment(value: dt.datetime | None, tz: str) -> str:
    return local(value, tz).format("YYYY-MM-DD HH:mm") if value else "—"


def _place_lines(view: OrderView, width: int) -> list[str]:
    if view.is_public or not view.unit:
        head = _("Public place: {place}").format(place=view.place or _("public area"))
    else:
        head = _("Unit: {unit}").format(unit=view.unit)
    around = []
    if view.building:
        around.append(_("Building: {name}").format(name=view.building))
    if view.district:
        around.append(_("District: {name}").format(name=view.district))
    lines = wrap(head, width, 2)
    if around:
        lines += wrap(" · ".join(around), width, 2)
    return lines


def _head_lines(slip: Slip, tz: str, width: int) -> list[str]:
    """Who, where, what and when: the slip's part the desk fills in."""
    view = slip.order
    lines = wrap(_("Slip no. {number}").format(number=view.number), width, 2)
    lines += _place_lines(view, width)
    lines += wrap(_("Caller: {name}").format(name=view.reporter_name or "—"), width, 2)
    lines += wrap(_("Phone: {phone}").format(
        phone=format_phone(view.reporter_phone) or "—"), width, 2)
    lines += wrap(_("Request: {text}").format(text=" ".join(view.description.split())),
                  width, 2)
    lines += pair(_("Category: {name}").format(name=word(CATEGORY_LABELS, view.category)),
                  _("Urgency: {word}").format(word=word(URGENCY_WORDS, view.urgency)), width)
    lines += wrap(_("Appointment: {when}").format(when=moment(view.appointment_at, tz)),
                  width, 2)
    lines += wrap(_("Technician: {name}").format(name=view.technician or "—"), width, 2)
    lines += wrap(_("Dispatched by {name} at {when}").format(
        name=slip.dispatched_by or "—", when=moment(view.dispatched_at, tz)), width, 2)
    return lines


def _work_lines(view: OrderView, tz: str, width: int) -> list[str]:
    """What the technician fills in: blank lines, or what the return recorded."""
    returned = view.returned_at is not None
    lines = []
    if returned:
        lines += wrap(_("Work done: {text}").format(text=view.work_done or "—"), width, 2)
    else:
        lines += [blank(_("Work done: "), width), blank("", width)]
    lines.append(_("Materials (name, qty):"))
    if returned:
        lines += [line for m in view.materials
                  for line in wrap(f"  {m.name} ×{m.quantity}{m.uom}", width, 4)] or ["  —"]
    else:
        name_room = width - 10
        lines += [blank("  ", name_room) + "  " + blank("", 8)
                  for _n in range(MATERIAL_BLANKS)]
    if returned:
        lines.append(_("Charge: {amount}").format(amount=format_fen(view.charge)))
        lines += wrap(_("Result: {word}").format(word=word(RESULT_WORDS, view.result)),
                      width, 2)
    else:
        lines.append(blank(_("Charge: ¥"), min(width, 24)))
        lines += wrap(_("Result: □ done  □ not done"), width, 2)
    lines += wrap(_("Owner: □ satisfied  □ not satisfied"), width, 2)
    half = width // 2
    lines.append(blank(_("Owner's signature: "), width))
    lines.append(blank(_("Time: "), half))
    lines.append(blank(_("Technician's signature: "), width))
    return lines


def _stub_lines(slip: Slip, tz: str, width: int, now: dt.datetime, by: str) -> list[str]:
    view = slip.order
    lines = wrap(_("Slip no. {number}").format(number=view.number), width, 2)
    lines += _place_lines(view, width)
    lines += wrap(_("Caller: {name}").format(name=view.reporter_name or "—"), width, 2)
    lines += wrap(_("Phone: {phone}").format(
        phone=format_phone(view.reporter_phone) or "—"), width, 2)
    lines += wrap(_("Technician: {name}").format(name=view.technician or "—"), width, 2)
    lines += wrap(_("Appointment: {when}").format(when=moment(view.appointment_at, tz)),
                  width, 2)
    if view.returned_at is not None:
        lines += wrap(_("Returned: {when}").format(when=moment(view.returned_at, tz)),
                      width, 2)
    else:
        lines.append(blank(_("Returned at: "), width))
    lines += wrap(_("Printed {when} by {name}").format(when=moment(now, tz), name=by or "—"),
                  width, 2)
    return lines


def slip_document(slip: Slip, tz: str, *, width: int = WIDTH, now: dt.datetime | None = None,
                  printed_by: str = "") -> Document:
    """The slip and its stub (see the module), laid out to ``width`` cells (at least 24)."""
    width = max(24, int(width))
    now = now or now_utc()
    view = slip.order

    def center(text: str, style: str = "center") -> list[Line]:
        return [(style, line) for line in wrap(text, width)]

    mark: list[Line] = []
    if slip.reprint:
        first = slip.printed[0]
        mark = [*center(_("REPRINT (补打) {when}").format(when=moment(now, tz))),
                *center(_("first printed {when} by {name}").format(
                    when=moment(first.at, tz), name=first.by or "—"))]
    rule = [("", "-" * width)]
    slip_part = (*center(slip.office, "title"), *center(_("Repair slip"), "title"), *mark,
                 *(("", line) for line in _head_lines(slip, tz, width)), *rule,
                 *(("", line) for line in _work_lines(view, tz, width)))
    stub_part = (*center(_("Repair slip stub"), "title"), *mark,
                 *(("", line) for line in _stub_lines(slip, tz, width, now, printed_by)))
    return Document(f"slip-{view.number}", (tuple(slip_part), tuple(stub_part)), width)


# --- printing ---------------------------------------------------------------------------------

def _recorded(office: Office, clerk: Staff | int, order_id: int, width: int,
              now: dt.datetime | None, keep) -> PrintedSlip:
    """The slip laid out and its print recorded in one transaction; ``keep(document)``
    (inside it) writes the file and gives its path, removed again when the transaction
    does not commit."""
    if not isinstance(width, int) or not MIN_WIDTH <= width <= MAX_WIDTH:
        raise DutyError(_("A slip is {low} to {high} characters wide.").format(
            low=MIN_WIDTH, high=MAX_WIDTH), "print")
    now = now or now_utc()
    tz = office.timezone
    path: Path | None = None
    try:
        with changes.write():
            person = desk_person(office, clerk)
            # Two desks printing the same slip at once: one after the other, the second 补打.
            locked(RepairOrder.select(RepairOrder.id).where(
                (RepairOrder.id == order_id) & (RepairOrder.office == office))).first()
            slip = read_slip(office, order_id, tz)
            document = slip_document(slip, tz, width=width, now=now, printed_by=person.name)
            if keep is not None:
                path = keep(document)
            changes.record("repair_order", slip.order.id,
                           REPRINT_ACTION if slip.reprint else PRINT_ACTION,
                           office=office, staff=person)
    except BaseException:
        if path is not None:  # the record was not committed: no slip without it
            path.unlink(missing_ok=True)
        raise
    return PrintedSlip(path, document, slip.printed[0] if slip.printed else None)


def print_slip(office: Office, clerk: Staff | int, order_id: int, *, width: int = WIDTH,
               folder: str | Path | None = None, now: dt.datetime | None = None
               ) -> PrintedSlip:
    """The order's slip written as a file and its print recorded, in one transaction (see
    the module); DutyError "order" when the order has no slip, "print" when the folder
    cannot be written."""
    return _recorded(office, clerk, order_id, width, now, lambda document: write_printout(
        document_text(document), document.stem, folder, tz=office.timezone,
        now=now or now_utc()))


def writable_folder(folder: str | Path | None = None) -> Path:
    """The printout folder (``approval_lists.printout_folder``), or DutyError "print" when
    it cannot be written: asked before ``record_slip``, so that a print is not recorded
    whose file cannot be kept."""
    try:
        where = printout_folder(folder)
    except OSError as exc:
        raise DutyError(_("Cannot write {path}: {error}").format(
            path=folder, error=exc.strerror or exc), "print") from None
    if not os.access(where, os.W_OK | os.X_OK):
        raise DutyError(_("Cannot write {path}: {error}").format(
            path=where, error=os.strerror(errno.EACCES)), "print")
    return where


def record_slip(office: Office, clerk: Staff | int, order_id: int, *, width: int = WIDTH,
                now: dt.datetime | None = None) -> PrintedSlip:
    """The order's slip laid out to ``width`` and its print recorded (``path`` None): for a
    printer's sender that keeps the file itself (``printing.send.print_document``)."""
    return _recorded(office, clerk, order_id, width, now, None)
