"""The paperwork that proves the calendar deadlines were met, for every past period: the
clerks' daily work records, weekly and monthly work summaries, the supervisor's weekly
written assessments, and the sheets handed over on paper (``DeadlineDone``).

Periods and keys follow ``deskterm.duties.agenda.deadlines``: a day ``2026-11-25``, an ISO week
``2026-W48``, a month ``2026-11``. Nothing is done for a deadline still ahead (today's
monthly fee summary on the 26th is left for the demo clerk to do).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter

from deskterm.db import changes
from deskterm.db.models import Assessment, DailyWorkRecord, DeadlineDone, WorkSummary
from deskterm.demo.common import Bulk, Calendar, Roster, minutes
from deskterm.demo.org import World

DAY = dt.timedelta(days=1)
ASSESSMENTS = (
    (92, "接听电话用语规范，来电记录完整，回访及时。"),
    (88, "收费准确，票据整理及时；交接班记录可再详细一些。"),
    (95, "主动跟进逾期维修单，业主反馈良好。"),
    (85, "本周有一次迟到，已提醒；服务态度良好。"),
    (90, "日清记录按时完成，前台环境整洁。"),
    (93, "投诉处理耐心细致，回访记录完整。"),
)
WEEK_PLANS = ("继续跟进未完成维修单和欠费催缴。", "做好节前安全检查通知。",
              "整理业主名册，补全联系电话。", "配合主管完成月度盘点。")


def _week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _month(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def _previous_month(day: dt.date) -> str:
    return _month(day.replace(day=1) - DAY)


def build_records(bulk: Bulk, cal: Calendar, world: World, roster: Roster, rng: random.Random,
                  orders_per_day: Counter, payments_per_day: Counter) -> dict[str, int]:
    office, supervisor = world.office_id, world.staff["刘芳"]
    records, summaries, assessments, done = [], [], [], []
    week_orders: Counter[tuple[int, str]] = Counter()
    week_payments: Counter[tuple[int, str]] = Counter()
    day = cal.first_day
    while day < cal.today:
        evening = "18:00" if cal.summer(day) else "17:30"
        for clerk in roster.clerks_on(day):
            figures = {"orders_registered": orders_per_day[clerk, day],
                       "payments": payments_per_day[clerk, day]}
            week_orders[clerk, _week(day)] += figures["orders_registered"]
            week_payments[clerk, _week(day)] += figures["payments"]
            submitted = cal.hm(day, evening) - minutes(rng.uniform(5, 25))
            records.append((office, clerk, day, json.dumps(figures, sort_keys=True), "",
                            submitted))
        if day.weekday() == 4:  # Friday: weekly summaries and the supervisor's assessments
            for clerk in world.clerks:
                week = _week(day)
                summaries.append((
                    office, clerk, "week", week,
                    f"本周登记维修{week_orders[clerk, week]}单，收费{week_payments[clerk, week]}笔。",
                    rng.choice(WEEK_PLANS), cal.at(day, rng.uniform(16 * 60, 17 * 60))))
                score, text = rng.choice(ASSESSMENTS)
                assessments.append((office, clerk, supervisor,
                                    cal.at(day, rng.uniform(15 * 60, 16 * 60 + 50)), text,
                                    score))
        if day.weekday() == 6:
            done.append(("weekly_fee_summary", _week(day), cal.hm(day, "15:30"),
                         (roster.clerks_on(day) or world.clerks)[0]))
        last = (day.replace(day=28) + 4 * DAY).replace(day=1) - DAY
        if day.day == 5:
            done.append(("attendance_sheet", _previous_month(day), cal.hm(day, "11:00"),
                         supervisor))
        if day.day == 15:
            done.append(("canteen_meal_fees", _previous_month(day), cal.hm(day, "11:30"),
                         supervisor))
        if day.day == 26:
            done.append(("monthly_fee_summary", _month(day), cal.hm(day, "16:00"), supervisor))
        if day == last:
            for key in ("orders_handover", "complaint_summary"):
                done.append((key, _month(day), cal.hm(day, "16:30"), supervisor))
            for clerk in world.clerks:
                summaries.append((office, clerk, "month", _month(day), "本月工作总结已提交主管。",
                                  "下月计划：" + rng.choice(WEEK_PLANS),
                                  cal.at(day, rng.uniform(16 * 60, 17 * 60))))
        day += DAY
    with changes.write():
        bulk.insert(DailyWorkRecord, ("office", "staff", "day", "figures", "notes",
                                      "submitted_at"), records)
        bulk.insert(WorkSummary, ("office", "staff", "kind", "period", "summary", "plan",
                                  "submitted_at"), summaries)
        bulk.insert(Assessment, ("office", "clerk", "supervisor", "at", "text", "score"),
                    assessments)
        bulk.insert(DeadlineDone, ("office", "key", "period", "done_at", "done_by", "note"),
                    [(office, key, period, at, by, "") for key, period, at, by in done])
    return {"work_records": len(records), "deadlines_done": len(done)}
