"""The shape of a report: its typed columns, its table and its registry entry.

A leaf module (it imports no report's duties), so that ``reports.py``, which holds the
registry, and the modules with more reports (``reports_staff.py``) both import it, and
neither imports the other the wrong way round. ``deskterm.duties.reporting.reports`` re-exports these
names: import them from there.

A table's cells are plain Python values by column type: text ``str``, int ``int``, money
``int`` fen, number a ``float`` (one decimal shown), date ``datetime.date``, datetime a
naive office-local ``datetime.datetime``, percent a ``float`` share (0.98 for 98 %);
``None`` is an empty cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from deskterm.db.models import Office
from deskterm.duties.reporting.report_period import ReportPeriod
from deskterm.i18n import _

COLUMN_TYPES = ("text", "int", "number", "money", "date", "datetime", "percent")


@dataclass(frozen=True)
class Column:
    title: str  # translated
    type: str  # one of COLUMN_TYPES


@dataclass(frozen=True)
class ReportTable:
    name: str  # the report's name: "fee-collection"
    title: str  # translated
    period: ReportPeriod
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    totals: tuple | None = None  # one cell per column, like a row

    @property
    def period_label(self) -> str:
        return self.period.label


@dataclass(frozen=True)
class Report:
    name: str
    title: str  # N_(): translate with _() when shown
    kinds: tuple[str, ...]  # the period kinds it takes
    default_period: str  # what a script gets without --period
    build: Callable[[Office, ReportPeriod], ReportTable]


def column(title: str, kind: str) -> Column:
    """A column titled ``title`` (an ``N_`` message: translated here) of type ``kind``."""
    return Column(_(title), kind)
