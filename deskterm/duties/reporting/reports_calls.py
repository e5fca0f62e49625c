"""The incoming calls' report [7.4.3]: ring-to-answer times by day against the two-rings
standard, with the calls missed and returned (``duties/calls/figures.py`` owns the
figures; this lays them out). Registered in ``reports.REPORTS`` as ``call-answering``."""

from __future__ import annotations

from deskterm.db.models import Office
from deskterm.duties.calls.figures import call_figures
from deskterm.duties.reporting.report_period import ReportPeriod
from deskterm.duties.reporting.report_table import ReportTable, column
from deskterm.i18n import N_, _

TITLE = N_("Calls answered within two rings")


def call_answering(office: Office, period: ReportPeriod) -> ReportTable:
    """Each day of the period with calls: rang, answered, the median ring-to-answer
    seconds, the share answered within two rings, missed, returned; and the period's."""
    days, whole = call_figures(office, period.start, period.end)

    def cells(figures):
        return (figures.calls, figures.answered, figures.median_seconds,
                figures.two_rings_share, figures.missed, figures.returned)

    return ReportTable(
        "call-answering", _(TITLE), period,
        (column(N_("Day"), "date"), column(N_("Calls"), "int"),
         column(N_("Answered"), "int"), column(N_("Median seconds to answer"), "number"),
         column(N_("Within two rings"), "percent"), column(N_("Missed calls"), "int"),
         column(N_("Calls returned"), "int")),
        tuple((day, *cells(figures)) for day, figures in days),
        (_("Total"), *cells(whole)))
