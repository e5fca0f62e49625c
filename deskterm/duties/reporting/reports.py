"""The reports the desk hands on [5.1][5.6][5.8][6.4][7.4.10][7.4.16], as plain tables.

Each report in ``REPORTS`` has a name (for the command line and file names), a title
(``N_``: translate when shown), the period kinds it takes, a default period and a function
``(office, period) -> ReportTable``. The tables are built from the duties that own the
figures (``fee_summary``, ``callbacks.callback_rate``, ``complaints.complaint_summary``,
``approvals.approval_list``): nothing here recomputes a business rule, it lays them out.
The staff reports (attendance [5.7][7.4.14], work records [7.4.23], wrong PINs) are built in
``reports_staff.py``; the table types are in ``report_table.py`` (re-exported here).

A table's cells are plain Python values by column type: text ``str``, int ``int``, money
``int`` fen, number a ``float`` (one decimal shown), date ``datetime.date``, datetime a naive office-local ``datetime.datetime``,
percent a ``float`` share (0.98 for 98 %); ``None`` is an empty cell. ``deskterm.export``
writes them to CSV and XLSX; a screen can show them.
"""

from __future__ import annotations

import datetime as dt

from deskterm.clock import day_bounds_utc, local, now_utc
from deskterm.db.models import Office
from deskterm.duties.backoffice.canteen import meal_fees
from deskterm.duties.backoffice.stocktake import stocktake_view
from deskterm.duties.cashdesk.fee_summary import fee_summary, summary_period
from deskterm.duties.cashdesk.payments import METHOD_WORDS
from deskterm.duties.panes import CALLBACK_STANDARD
from deskterm.duties.repairs.approval_lists import pending_handover
from deskterm.duties.repairs.approvals import approval_list
from deskterm.duties.repairs.callbacks import callback_rate, callback_rates, joined
from deskterm.duties.repairs.complaints import CATEGORIES, STATE_LABELS, complaint_summary
from deskterm.duties.reporting.report_period import ReportPeriod, report_period
from deskterm.duties.reporting.report_table import (  # noqa: F401 - COLUMN_TYPES re-exported
    COLUMN_TYPES,
    Column,
    Report,
    ReportTable,
)
from deskterm.duties.reporting.reports_calls import TITLE as CALLS_TITLE
from deskterm.duties.reporting.reports_calls import call_answering
from deskterm.duties.reporting.reports_staff import TITLES as STAFF_TITLES
from deskterm.duties.reporting.reports_staff import (
    attendance_ranking,
    attendance_sheet_table,
    on_duty_table,
    work_daily,
    work_monthly,
    work_weekly,
    wrong_pins,
)
from deskterm.duties.schedule import office_zone
from deskterm.errors import DutyError
from deskterm.i18n import N_, _


def _col(title: str, kind: str) -> Column:
    return Column(_(title), kind)


def _local(moment: dt.datetime | None, tz: str) -> dt.datetime | None:
    return None if moment is None else local(moment, tz).naive


# --- fee collection [5.1][5.6] ------------------------------------------------------------------

def fee_collection(office: Office, period: ReportPeriod) -> ReportTable:
    """What was collected, by fee item, method, clerk and day (``fee_summary``'s buckets):
    payments, net of voids (``cashdesk/takings.py``); the totals row is the period's."""
    summary = fee_summary(office, summary_period(office, period.kind, period.first))
    groups = ((N_("Fee item"), summary.by_item), (N_("Method"), summary.by_method),
              (N_("Clerk"), summary.by_clerk), (N_("Day"), summary.by_day))
    rows = tuple((_(group), _(METHOD_WORDS[bucket.key]) if buckets is summary.by_method
                   and bucket.key in METHOD_WORDS else bucket.label,
                   bucket.count, bucket.reversals, bucket.amount)
                  for group, buckets in groups for bucket in buckets)
    return ReportTable(
        "fee-collection", _(REPORTS["fee-collection"].title), period,
        (_col(N_("Grouped by"), "text"), _col(N_("Entry"), "text"), _col(N_("Payments"), "int"),
         _col(N_("Reversals"), "int"), _col(N_("Net of voids"), "money")),
        rows, (_("Total"), None, summary.payments, summary.reversals, summary.collected))


# --- callbacks [6.4] --------------------------------------------------------------------------

def _whole(office: Office, period: ReportPeriod, bounds: list, rates: list, now: dt.datetime):
    """The period's rate: its days' (or weeks') together when they make it up exactly,
    else read."""
    tiled = bool(bounds) and bounds[0][0] == period.start and bounds[-1][1] == period.end \
        and all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))
    return joined(rates) if tiled else callback_rate(office, period.start, period.end, now=now)


def callback_days(office: Office, period: ReportPeriod) -> ReportTable:
    """The callback rate of the orders returned on each day, and of the whole period."""
    tz = office_zone(office)
    now = now_utc()
    bounds = [day_bounds_utc(day, tz) for day in period.days]
    rates = callback_rates(office, bounds, now=now)  # one read for every day
    rows = [(day, rate.counted, rate.on_time, len(rate.misses), rate.rate)
            for day, rate in zip(period.days, rates, strict=True)]
    whole = _whole(office, period, bounds, rates, now)
    return ReportTable(
        "callback-rate", _(REPORTS["callback-rate"].title), period,
        (_col(N_("Returned on"), "date"), _col(N_("Due a callback"), "int"),
         _col(N_("On time"), "int"), _col(N_("Missed"), "int"),
         _col(N_("Callback rate"), "percent")),
        tuple(rows), (_("Total"), whole.counted, whole.on_time, len(whole.misses), whole.rate))


def callback_weeks(office: Office, period: ReportPeriod) -> ReportTable:
    """The callback rate of each week (Monday to Sunday) of the period's orders, against
    the standard of 98 % [6.4]; a week at the period's edges counts only its days in it."""
    now = now_utc()
    tz = office_zone(office)
    weeks = []
    first = period.first
    while first <= period.last:
        last = min(first + dt.timedelta(days=6 - first.weekday()), period.last)
        weeks.append((first, last))
        first = last + dt.timedelta(days=1)
    bounds = [(day_bounds_utc(first, tz)[0], day_bounds_utc(last + dt.timedelta(days=1), tz)[0])
              for first, last in weeks]
    rates = callback_rates(office, bounds, now=now)  # one read for every week
    rows = []
    for (first, last), rate in zip(weeks, rates, strict=True):
        met = None if rate.rate is None else _("yes") if rate.rate >= CALLBACK_STANDARD \
            else _("no")
        rows.append((first, last, rate.counted, rate.on_time, rate.rate, CALLBACK_STANDARD,
                     met))
    whole = _whole(office, period, bounds, rates, now)
    return ReportTable(
        "callback-weeks", _(REPORTS["callback-weeks"].title), period,
        (_col(N_("From"), "date"), _col(N_("To"), "date"), _col(N_("Due a callback"), "int"),
         _col(N_("On time"), "int"), _col(N_("Callback rate"), "percent"),
         _col(N_("Standard"), "percent"), _col(N_("Met"), "text")),
        tuple(rows), (_("Total"), None, whole.counted, whole.on_time, whole.rate,
                      CALLBACK_STANDARD, None if whole.rate is None else _("yes")
                      if whole.rate >= CALLBACK_STANDARD else _("no")))


def callback_misses(office: Office, period: ReportPeriod) -> ReportTable:
    """The orders returned in the period not called back within their window."""
    tz = office_zone(office)
    rate = callback_rate(office, period.start, period.end)
    rows = tuple((miss.number, _local(miss.returned_at, tz), _local(miss.due_at, tz),
                  _local(miss.called_back_at, tz)) for miss in rate.misses)
    return ReportTable(
        "callback-misses", _(REPORTS["callback-misses"].title), period,
        (_col(N_("Order"), "text"), _col(N_("Returned at"), "datetime"),
         _col(N_("Callback due"), "datetime"), _col(N_("Called back at"), "datetime")),
        rows, None)


# --- complaints [7.4.16] ------------------------------------------------------------------------

def complaint_categories(office: Office, period: ReportPeriod) -> ReportTable:
    """The month's complaints by category (``complaint_summary``): received, handled,
    closed, called back and called back on time."""
    summary = complaint_summary(office, period.first)
    counts = {key: [0, 0, 0, 0, 0] for key in summary.by_category}
    for row in summary.rows:
        line = counts.setdefault(row.category, [0, 0, 0, 0, 0])
        line[0] += 1
        line[1] += row.handled_at is not None
        line[2] += row.state == "closed"
        line[3] += row.called_back_at is not None
        line[4] += bool(row.callback_on_time)
    rows = tuple((_(CATEGORIES.get(key, key)), *line) for key, line in counts.items())
    return ReportTable(
        "complaint-summary", _(REPORTS["complaint-summary"].title), period,
        (_col(N_("Category"), "text"), _col(N_("Received"), "int"), _col(N_("Handled"), "int"),
         _col(N_("Closed"), "int"), _col(N_("Called back"), "int"),
         _col(N_("On time"), "int")),
        rows, (_("Total"), summary.total, summary.handled, summary.closed,
               summary.called_back, summary.called_back_on_time))


def complaint_rows(office: Office, period: ReportPeriod) -> ReportTable:
    """The month's complaints one by one, as the summary form lists them
    (客户投诉汇总及处理情况表): received, who and where, what, the handling and its result,
    the callback and the state. Free text is as stored."""
    summary = complaint_summary(office, period.first)
    rows = tuple((
        row.number, row.received_date, row.unit, row.complainant, row.phone,
        _(CATEGORIES.get(row.category, row.category)), row.description, row.handler,
        row.handling, row.result, row.handling_hours, row.callback_date,
        None if row.callback_on_time is None else _("yes") if row.callback_on_time
        else _("no"),
        _(STATE_LABELS.get(row.state, row.state))) for row in summary.rows)
    return ReportTable(
        "complaint-list", _(REPORTS["complaint-list"].title), period,
        (_col(N_("Number"), "text"), _col(N_("Received"), "date"), _col(N_("Unit"), "text"),
         _col(N_("Complainant"), "text"), _col(N_("Phone"), "text"),
         _col(N_("Category"), "text"), _col(N_("Complaint"), "text"),
         _col(N_("Handler"), "text"), _col(N_("Handling"), "text"),
         _col(N_("Result"), "text"), _col(N_("Hours to handle"), "number"),
         _col(N_("Called back on"), "date"), _col(N_("On time"), "text"),
         _col(N_("State"), "text")),
        rows, None)


# --- the Monday approval [5.8][7.4.10] ------------------------------------------------------------

def monday_approval(office: Office, period: ReportPeriod) -> ReportTable:
    """The called-back orders waiting for the manager's approval: those of the week and
    any left over from before (``approval_list``)."""
    tz = office_zone(office)
    listed = approval_list(office, period.first)
    rows = tuple((row.number, row.place, row.description, row.technician, row.charge,
                  _local(row.returned_at, tz), _local(row.called_back_at, tz))
                 for row in listed)
    return ReportTable(
        "monday-approval", _(REPORTS["monday-approval"].title), period,
        (_col(N_("Order"), "text"), _col(N_("Place"), "text"), _col(N_("Job"), "text"),
         _col(N_("Technician"), "text"), _col(N_("Charge"), "money"),
         _col(N_("Returned at"), "datetime"), _col(N_("Called back at"), "datetime")),
        rows, (_("Total"), None, None, None, sum(row.charge for row in listed), None, None))


# --- month end [5.8][5.10] -------------------------------------------------------------------------

def month_end_handover(office: Office, period: ReportPeriod) -> ReportTable:
    """The approved private orders the month-end handover takes, by district, with the
    district's customer-service supervisor (``pending_handover``)."""
    tz = office_zone(office)
    groups = pending_handover(office, period.first)
    rows = tuple((group.district_name, group.cs_supervisor_name, row.number, row.place,
                  row.description, row.technician, row.charge,
                  _local(row.called_back_at, tz))
                 for group in groups for row in group.orders)
    return ReportTable(
        "month-end-handover", _(REPORTS["month-end-handover"].title), period,
        (_col(N_("District"), "text"), _col(N_("CS supervisor"), "text"),
         _col(N_("Order"), "text"), _col(N_("Place"), "text"), _col(N_("Job"), "text"),
         _col(N_("Technician"), "text"), _col(N_("Charge"), "money"),
         _col(N_("Called back at"), "datetime")),
        rows, (_("Total"), None, len(rows), None, None, None,
               sum(row.charge for group in groups for row in group.orders), None))


def canteen_meal_fees(office: Office, period: ReportPeriod) -> ReportTable:
    """The month's meal fees per person (``canteen.meal_fees``)."""
    fees = meal_fees(office, period.label)
    rows = tuple((person.name, person.meals, person.amount) for person in fees.people)
    return ReportTable(
        "canteen-meal-fees", _(REPORTS["canteen-meal-fees"].title), period,
        (_col(N_("Name"), "text"), _col(N_("Meals"), "int"), _col(N_("Amount"), "money")),
        rows, (_("Total"), fees.meals, fees.amount))


def stocktake_variance(office: Office, period: ReportPeriod) -> ReportTable:
    """The month's stocktake line by line (``stocktake_view``): book, counted, variance and
    its reason; the totals row counts the lines matched, counted and in all. Empty when
    the month's stocktake was not started."""
    view = stocktake_view(office, period.label)
    lines = view.lines if view is not None else []
    rows = tuple((line.code, line.name, line.uom, line.location, line.book, line.counted,
                  line.variance, line.reason) for line in lines)
    match = view.match if view is not None else None
    return ReportTable(
        "stocktake-variance", _(REPORTS["stocktake-variance"].title), period,
        (_col(N_("Code"), "text"), _col(N_("Item"), "text"), _col(N_("Unit of measure"), "text"),
         _col(N_("Location"), "text"), _col(N_("Book"), "int"), _col(N_("Counted quantity"), "int"),
         _col(N_("Variance"), "int"), _col(N_("Reason"), "text")),
        rows, None if match is None else (
            _("Total"), _("{matched} of {counted} counted match ({total} lines)").format(
                matched=match.matched, counted=match.counted, total=match.total),
            None, None, None, match.counted, sum(line.variance or 0 for line in lines), None))


REPORTS: dict[str, Report] = {report.name: report for report in (
    Report("fee-collection", N_("Fee collection"), ("week", "month"), "last-month",
           fee_collection),
    Report("callback-rate", N_("Callback rate by day"), ("week", "month", "range"),
           "last-week", callback_days),
    Report("callback-weeks", N_("Callback rate by week against 98 %"),
           ("week", "month", "range"), "last-month", callback_weeks),
    Report("callback-misses", N_("Callbacks missed"), ("week", "month", "range"),
           "last-week", callback_misses),
    Report("complaint-summary", N_("Complaint summary"), ("month",), "last-month",
           complaint_categories),
    Report("complaint-list", N_("Complaints one by one"), ("month",), "last-month",
           complaint_rows),
    Report("monday-approval", N_("Monday approval list"), ("week",), "last-week",
           monday_approval),
    Report("month-end-handover", N_("Month-end handover by district"), ("month",),
           "last-month", month_end_handover),
    Report("canteen-meal-fees", N_("Canteen meal fees"), ("month",), "last-month",
           canteen_meal_fees),
    Report("stocktake-variance", N_("Stocktake variance"), ("month",), "this-month",
           stocktake_variance),
    # the staff reports [5.7][7.4.14][7.4.23] (reports_staff.py)
    Report("attendance-sheet", STAFF_TITLES["attendance-sheet"], ("month",), "last-month",
           attendance_sheet_table),
    Report("on-duty", STAFF_TITLES["on-duty"], ("month",), "last-month", on_duty_table),
    Report("attendance-ranking", STAFF_TITLES["attendance-ranking"], ("month",),
           "last-month", attendance_ranking),
    Report("work-daily", STAFF_TITLES["work-daily"], ("week", "month", "range"),
           "last-week", work_daily),
    Report("work-weekly", STAFF_TITLES["work-weekly"], ("week",), "last-week", work_weekly),
    Report("work-monthly", STAFF_TITLES["work-monthly"], ("month",), "last-month",
           work_monthly),
    Report("wrong-pins", STAFF_TITLES["wrong-pins"], ("week", "month", "range"),
           "this-month", wrong_pins),
    Report("call-answering", CALLS_TITLE, ("week", "month", "range"), "last-week",
           call_answering),  # incoming calls [7.4.3] (reports_calls.py)
)}


def report_table(office: Office, name: str, period_words: object = None, *,
                 now: dt.datetime | None = None) -> ReportTable:
    """The report ``name`` for the period the words give (its default when None)."""
    report = REPORTS.get(str(name or "").strip())
    if report is None:
        raise DutyError(_("There is no report {name!r}: `deskterm report --list` lists "
                          "them.").format(name=str(name or "")), "report")
    period = report_period(office, report.default_period if period_words is None
                           else period_words, now=now)
    if period.kind not in report.kinds:
        raise DutyError(_("{title} is made for: {kinds}.").format(
            title=_(report.title), kinds=", ".join(_(KIND_WORDS[k]) for k in report.kinds)),
            "period")
    return report.build(office, period)


KIND_WORDS = {"week": N_("a week"), "month": N_("a month"), "range": N_("a range of days")}
