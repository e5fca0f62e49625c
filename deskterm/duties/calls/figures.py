"""Ring-to-answer figures [7.4.3]: "answer after two rings" (``TWO_RINGS_SECONDS``).

``call_figures(office, start, end)``: the calls that rang in [start, end) (naive UTC),
by office-local day and for the whole span: how many rang, how many a desk answered, the
median seconds from ring to answer, the share answered within two rings (of all calls
that rang: a missed call is not answered within two rings), how many were missed (hung up
or rang out) and how many of those were returned. A call still ringing is counted as
ringing, neither answered nor missed. One read of the span's rows through
``incoming_call (office, rang_at)``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from deskterm.clock import local, now_utc
from deskterm.db.models import IncomingCall, Office
from deskterm.duties.calls.ringing import RING_SECONDS, TWO_RINGS_SECONDS
from deskterm.duties.schedule import office_zone


@dataclass(frozen=True)
class CallFigures:
    calls: int
    answered: int
    median_seconds: float | None  # ring to answer, of the answered calls
    within_two_rings: int  # answered within TWO_RINGS_SECONDS
    missed: int  # hung up or rang out (returned ones included)
    returned: int

    @property
    def two_rings_share(self) -> float | None:
        return self.within_two_rings / self.calls if self.calls else None


def _figures(rows: list[tuple], now: dt.datetime) -> CallFigures:
    waits: list[float] = []
    missed = returned = 0
    rang_out = now - dt.timedelta(seconds=RING_SECONDS)
    for rang_at, state, answered_at, returned_at in rows:
        if answered_at is not None:
            waits.append(max((answered_at - rang_at).total_seconds(), 0.0))
        elif state in ("missed", "returned") or (state == "ringing" and rang_at < rang_out):
            missed += 1
            returned += returned_at is not None
    return CallFigures(
        calls=len(rows), answered=len(waits),
        median_seconds=statistics.median(waits) if waits else None,
        within_two_rings=sum(1 for w in waits if w <= TWO_RINGS_SECONDS),
        missed=missed, returned=returned)


def call_figures(office: Office, start: dt.datetime, end: dt.datetime, *,
                 now: dt.datetime | None = None
                 ) -> tuple[list[tuple[dt.date, CallFigures]], CallFigures]:
    """Each office-local day with calls in [start, end), and the whole span's figures."""
    now = now or now_utc()
    tz = office_zone(office)
    rows = list(IncomingCall.select(IncomingCall.rang_at, IncomingCall.state,
                                    IncomingCall.answered_at, IncomingCall.returned_at)
                .where((IncomingCall.office == office) & (IncomingCall.rang_at >= start)
                       & (IncomingCall.rang_at < end))
                .order_by(IncomingCall.rang_at).tuples())
    days: dict[dt.date, list[tuple]] = {}
    for row in rows:
        days.setdefault(local(row[0], tz).date(), []).append(row)
    return [(day, _figures(found, now)) for day, found in days.items()], _figures(rows, now)
