"""Today's timeline and the fixed day: seasons, office times, states through one day,
appointments, callbacks, tasks and the office's zone (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import gettext
from types import SimpleNamespace

import pytest

from deskterm import i18n
from deskterm.clock import to_utc
from deskterm.db.models import (
    AttendanceEvent,
    BankDeposit,
    Building,
    CashEntry,
    CashSession,
    Complaint,
    District,
    Handover,
    Office,
    RepairOrder,
    Staff,
    Task,
    Unit,
)
from deskterm.duties import schedule
from deskterm.duties.agenda.timeline import day_timeline, now_index
from deskterm.errors import SetupError

TZ = "Asia/Shanghai"
DAY = dt.date(2026, 11, 26)  # a Thursday in winter: evening sign-out 17:30


def at(text: str) -> dt.datetime:
    """Office-local "2026-11-26 08:15" as naive UTC."""
    return to_utc(dt.datetime.fromisoformat(text), TZ)


def hm(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    return at(f"{day.isoformat()} {hhmm}")


@pytest.fixture
def desk(desk_db):
    created = dt.datetime(2026, 1, 1)
    office = Office.create(name="非凡物业", created_at=created)
    clerk = Staff.create(office=office, name="李娜", role="clerk", created_at=created)
    night = Staff.create(office=office, name="王伟", role="night", created_at=created)
    tech = Staff.create(office=office, name="张强", role="technician", created_at=created)
    district = District.create(office=office, code="A", name="A区")
    building = Building.create(office=office, district=district, code="3", name="3栋")
    unit = Unit.create(office=office, building=building, entrance="2", room="501",
                       code="3-2-501", area_centi_m2=8956)
    return SimpleNamespace(office=office, clerk=clerk, night=night, tech=tech,
                           district=district, building=building, unit=unit)


_numbers = iter(range(1, 10_000))


def order(desk, **fields) -> RepairOrder:
    n = next(_numbers)
    values = dict(office=desk.office, number=f"WX-202611-{n:04d}", district=desk.district,
                  building=desk.building, unit=desk.unit, description="厨房水龙头漏水",
                  category="water", technician=desk.tech, state="dispatched",
                  registered_at=hm("07:00"), registered_by=desk.clerk)
    values.update(fields)
    return RepairOrder.create(**values)


def attend(desk, when, kind, slot, staff=None):
    staff = staff or desk.clerk
    return AttendanceEvent.create(office=desk.office, staff=staff, at=when, kind=kind,
                                  slot=slot, recorded_by=staff)


def by_key(items):
    return {item.key: item for item in items}


def states(items):
    return {item.key: item.state for item in items}


# -- the fixed day -----------------------------------------------------------------------

def test_season_switch_moves_the_evening_sign_out(desk):
    office = desk.office
    cases = {
        dt.date(2026, 4, 30): (False, "17:30"),
        dt.date(2026, 5, 1): (True, "18:00"),
        dt.date(2026, 9, 30): (True, "18:00"),
        dt.date(2026, 10, 1): (False, "17:30"),
        dt.date(2026, 12, 31): (False, "17:30"),
        dt.date(2027, 1, 1): (False, "17:30"),
    }
    for day, (summer, sign_out) in cases.items():
        assert schedule.is_summer(office, day) is summer, day
        assert schedule.sign_out_time(office, day).strftime("%H:%M") == sign_out
        last = schedule.fixed_items(office, day)[-1]
        assert (last.key, last.local_time) == ("sign_out", sign_out)


def test_season_boundaries_are_the_offices_own(desk):
    office = desk.office
    office.summer_start, office.winter_start = "06-15", "09-01"
    assert not schedule.is_summer(office, dt.date(2026, 6, 14))
    assert schedule.is_summer(office, dt.date(2026, 6, 15))
    assert not schedule.is_summer(office, dt.date(2026, 9, 1))
    # a southern office: summer wraps the new year
    office.summer_start, office.winter_start = "11-01", "03-01"
    assert schedule.is_summer(office, dt.date(2026, 12, 25))
    assert schedule.is_summer(office, dt.date(2027, 2, 28))
    assert not schedule.is_summer(office, dt.date(2027, 3, 1))


def test_fixed_items_are_the_day_of_the_instruction(desk):
    items = schedule.fixed_items(desk.office, DAY)
    assert [(i.key, i.local_time, i.local_until) for i in items] == [
        ("sign_in", "08:20", ""),
        ("meeting", "08:20", "08:30"),
        ("handover", "08:30", "08:40"),
        ("phones_open", "08:30", ""),
        ("lunch_out", "12:00", "13:30"),
        ("afternoon_in", "13:30", ""),
        ("deposit", "17:00", ""),
        ("sign_out", "17:30", ""),
    ]
    sign_in = items[0]
    assert sign_in.at == dt.datetime(2026, 11, 26, 0, 20)  # 08:20 in Shanghai
    assert "办公环境核查表" in sign_in.note and "Badge" in sign_in.note
    assert items[-1].until == dt.datetime(2026, 11, 26, 16, 0)  # midnight local


def test_labels_are_translated_when_built(desk, monkeypatch, frozen_clock):
    class Marked(gettext.NullTranslations):
        def gettext(self, message):
            return "译:" + message

    frozen_clock(hm("09:00"))
    english = schedule.fixed_items(desk.office, DAY)[0].label
    monkeypatch.setattr(i18n, "_translation", Marked())
    assert schedule.fixed_items(desk.office, DAY)[0].label == "译:" + english
    items = day_timeline(desk.office)
    assert all(i.label.startswith("译:") for i in items if i.kind in ("schedule", "deadline"))


@pytest.mark.parametrize("field,value", [
    ("lunch_out_at", "25:00"), ("lunch_out_at", "noon"), ("sign_in_at", ""),
    ("sign_out_summer_at", "18:60"), ("deposit_by_at", "1700"),
])
def test_malformed_office_time_names_the_field(desk, field, value):
    setattr(desk.office, field, value)
    with pytest.raises(SetupError, match=field) as caught:
        schedule.fixed_items(desk.office, DAY)
    assert "08:20" in caught.value.message  # says what a time looks like


def test_office_times_are_read_forgivingly(desk):
    office = desk.office
    office.sign_in_at, office.lunch_out_at = " 8:05 ", "１２：１５"  # full width from an IME
    items = by_key(schedule.fixed_items(office, DAY))
    assert items["sign_in"].local_time == "08:05"
    assert items["lunch_out"].local_time == "12:15"


def test_malformed_season_or_zone_is_a_setup_error(desk):
    desk.office.winter_start = "10/01"
    with pytest.raises(SetupError, match="winter_start"):
        schedule.sign_out_time(desk.office, DAY)
    desk.office.winter_start = "10-01"
    desk.office.timezone = "Mars/Olympus"
    with pytest.raises(SetupError, match="Mars/Olympus"):
        schedule.fixed_items(desk.office, DAY)


# -- one day, watched at several moments ----------------------------------------------------

def test_a_day_at_several_moments(desk, frozen_clock):
    office = desk.office
    late_appointment = order(desk, appointment_at=hm("10:00"))
    afternoon = order(desk, appointment_at=hm("14:00"), technician=None)
    Task.create(office=office, title="通知3栋停水", assigned_to=desk.clerk, due_at=hm("16:30"),
                created_at=hm("08:25"), created_by=desk.clerk)

    frozen_clock(hm("08:10"))
    items = day_timeline(office)
    assert [i.local_time for i in items] == sorted(i.local_time for i in items)
    assert [i.key for i in items] == [
        "schedule:sign_in", "schedule:meeting", "schedule:handover", "schedule:phones_open",
        f"appointment:{late_appointment.id}", "schedule:lunch_out", "schedule:afternoon_in",
        f"appointment:{afternoon.id}", items[8].key, "schedule:deposit",
        "deadline:work_record:2026-11-26", "deadline:canteen_check:2026-11-26",
        "deadline:monthly_fee_summary:2026-11", "schedule:sign_out",
    ]
    assert items[8].kind == "task"
    assert states(items)["schedule:sign_in"] == "now"  # the next thing to do
    assert [i.state for i in items].count("now") == 1
    assert {i.state for i in items[1:]} == {"upcoming"}
    assert now_index(items, hm("08:10")) == 0

    attend(desk, hm("08:15"), "sign_in", "desk")
    frozen_clock(hm("08:35"))
    s = states(day_timeline(office))
    assert s["schedule:sign_in"] == "done"
    assert s["schedule:meeting"] == "done"  # passed
    assert s["schedule:phones_open"] == "done"
    assert s["schedule:handover"] == "now"  # 08:30-08:40, not signed yet
    assert s[f"appointment:{late_appointment.id}"] == "upcoming"

    Handover.create(office=office, signed_at=hm("08:38"), from_staff=desk.night,
                    to_staff=desk.clerk, covers_until=hm("08:38"))
    session = CashSession.create(office=office, clerk=desk.clerk, day=DAY, opened_at=hm("08:40"))
    CashEntry.create(office=office, session=session, at=hm("09:10"), kind="payment",
                     amount=35_000, clerk=desk.clerk)
    frozen_clock(hm("12:30"))
    items = day_timeline(office)
    s = states(items)
    assert s["schedule:handover"] == "done"
    assert by_key(items)["schedule:handover"].ref[0] == "handover"
    assert s[f"appointment:{late_appointment.id}"] == "missed"  # 10:00, not returned
    assert s["schedule:lunch_out"] == "now"  # 12:00-13:30: sign out for lunch
    assert s[f"appointment:{afternoon.id}"] == "upcoming"
    assert s["schedule:deposit"] == "upcoming"
    assert items[now_index(items, hm("12:30")) - 1].key == "schedule:lunch_out"

    attend(desk, hm("12:40"), "sign_out", "lunch_out")
    RepairOrder.update(returned_at=hm("15:00"), state="returned").where(
        RepairOrder.id == afternoon.id).execute()
    frozen_clock(hm("17:05"))
    s = states(day_timeline(office))
    assert s["schedule:lunch_out"] == "done"
    assert s["schedule:afternoon_in"] == "missed"  # no afternoon sign-in recorded
    assert s[f"appointment:{afternoon.id}"] == "done"
    assert s["schedule:deposit"] == "missed"  # ¥350 still in the drawer after 17:00
    assert [k for k, v in s.items() if k.startswith("task:")] and all(
        v == "missed" for k, v in s.items() if k.startswith("task:"))
    assert s["deadline:work_record:2026-11-26"] == "now"  # the next thing due, 17:30
    assert s["schedule:sign_out"] == "upcoming"

    deposit = BankDeposit.create(office=office, at=hm("17:20"), amount=35_000,
                                 slip_number="B-1", deposited_by=desk.clerk)
    CashEntry.create(office=office, session=session, at=hm("17:20"), kind="deposit",
                     amount=-35_000, deposit=deposit, clerk=desk.clerk)
    frozen_clock(hm("18:05"))
    items = day_timeline(office)
    s = states(items)
    assert s["schedule:deposit"] == "done"  # late, but banked
    assert s["deadline:work_record:2026-11-26"] == "missed"
    assert s["deadline:canteen_check:2026-11-26"] == "done"  # nothing bought to check
    assert s["schedule:sign_out"] == "now"  # signing out runs from 17:30 on
    assert now_index(items, hm("18:05")) == len(items)

    attend(desk, hm("18:06"), "sign_out", "evening_out")
    assert states(day_timeline(office))["schedule:sign_out"] == "done"


def test_sign_in_counts_day_staff_or_the_given_person(desk, frozen_clock):
    frozen_clock(hm("09:00"))
    attend(desk, hm("00:30"), "sign_in", "desk", staff=desk.night)  # the night shift
    assert states(day_timeline(desk.office))["schedule:sign_in"] == "missed"
    attend(desk, hm("08:10"), "sign_in", "morning_in")
    assert states(day_timeline(desk.office))["schedule:sign_in"] == "done"
    other = Staff.create(office=desk.office, name="赵敏", role="clerk", created_at=hm("07:00"))
    assert states(day_timeline(desk.office, staff=other))["schedule:sign_in"] == "missed"
    assert states(day_timeline(desk.office, staff=desk.clerk.id))["schedule:sign_in"] == "done"


# -- dated work --------------------------------------------------------------------------

def test_appointments_of_the_day_only(desk, frozen_clock):
    frozen_clock(hm("15:00"))
    returned = order(desk, appointment_at=hm("09:30"), returned_at=hm("11:00"), state="returned")
    missed = order(desk, appointment_at=hm("14:00"))
    later = order(desk, appointment_at=hm("16:00"), unit=None, is_public=True, category="lift")
    order(desk, appointment_at=hm("11:00"), state="cancelled")
    order(desk, appointment_at=hm("10:00", DAY - dt.timedelta(days=1)))
    order(desk, appointment_at=hm("10:00", DAY + dt.timedelta(days=1)))
    other = Office.create(name="别处", created_at=hm("07:00"))
    RepairOrder.create(office=other, number="WX-1", district=desk.district, description="x",
                       registered_at=hm("07:00"), registered_by=desk.clerk,
                       appointment_at=hm("10:30"))
    items = [i for i in day_timeline(desk.office) if i.kind == "appointment"]
    assert [i.ref for i in items] == [("repair_order", o.id) for o in (returned, missed, later)]
    assert [i.state for i in items] == ["done", "missed", "now"]
    first = items[0]
    assert first.local_time == "09:30"
    assert first.label == f"Appointment {returned.number} 3-2-501 water — 张强"
    assert first.note == "厨房水龙头漏水"
    assert items[2].label == f"Appointment {later.number} 3栋 lift — 张强"


def test_user_text_stays_plain_and_on_one_line(desk, frozen_clock):
    frozen_clock(hm("08:00"))
    order(desk, appointment_at=hm("10:00"), description="[red]漏水[/red]\n\x1b[31m第二行\t" + "长" * 200)
    item = next(i for i in day_timeline(desk.office) if i.kind == "appointment")
    assert "\n" not in item.note and "\x1b" not in item.note
    assert item.note.startswith("[red]漏水[/red]")  # markup is the widget's to escape
    assert len(item.note) <= 60


def test_callbacks_due_today(desk, frozen_clock):
    frozen_clock(hm("14:00"))
    done = order(desk, state="called_back", returned_at=hm("10:00", DAY - dt.timedelta(days=1)),
                 callback_due_at=hm("10:00"), called_back_at=hm("09:00"),
                 reporter_name="陈先生", reporter_phone="13812345678")
    overdue = order(desk, state="returned", returned_at=hm("11:00", DAY - dt.timedelta(days=1)),
                    callback_due_at=hm("11:00"))
    pending = order(desk, state="returned", returned_at=hm("16:00", DAY - dt.timedelta(days=1)),
                    callback_due_at=hm("16:00"))
    order(desk, state="returned", returned_at=hm("16:00"), callback_due_at=hm(
        "16:00", DAY + dt.timedelta(days=1)))  # due tomorrow
    complaint_missed = Complaint.create(
        office=desk.office, number="TS-202611-0001", unit=desk.unit, description="噪音",
        received_at=hm("09:00", DAY - dt.timedelta(days=1)), received_by=desk.clerk,
        state="handled", callback_due_at=hm("12:00"), complainant_name="刘女士")
    complaint_done = Complaint.create(
        office=desk.office, number="TS-202611-0002", description="垃圾", state="called_back",
        received_at=hm("09:00", DAY - dt.timedelta(days=1)), received_by=desk.clerk,
        callback_due_at=hm("13:00"), called_back_at=hm("12:50"))
    items = [i for i in day_timeline(desk.office) if i.kind == "callback"]
    assert [(i.ref, i.state) for i in items] == [
        (("repair_order", done.id), "done"),
        (("repair_order", overdue.id), "missed"),
        (("complaint", complaint_missed.id), "missed"),
        (("complaint", complaint_done.id), "done"),
        (("repair_order", pending.id), "now"),
    ]
    assert items[0].label == f"Callback {done.number} 3-2-501"
    assert items[0].note == "陈先生 13812345678"
    assert items[2].label == "Complaint callback TS-202611-0001 3-2-501"


def test_a_reopened_order_owes_a_new_callback(desk, frozen_clock):
    frozen_clock(hm("17:00"))
    reopened = order(desk, state="returned", returned_at=hm("09:00", DAY - dt.timedelta(days=1)),
                     called_back_at=hm("08:00", DAY - dt.timedelta(days=1)),
                     callback_due_at=hm("09:00"))
    item = by_key(day_timeline(desk.office))[f"callback:repair_order:{reopened.id}"]
    assert item.state == "missed"


def test_tasks_due_today(desk, frozen_clock):
    frozen_clock(hm("15:00"))
    done = Task.create(office=desk.office, title="检查3栋电梯", assigned_to=desk.clerk,
                       due_at=hm("10:00"), created_at=hm("08:25"), created_by=desk.clerk,
                       done_at=hm("09:40"), done_by=desk.clerk)
    missed = Task.create(office=desk.office, title="通知停水", due_at=hm("12:00"),
                         created_at=hm("08:25"), created_by=desk.clerk)
    later = Task.create(office=desk.office, title="联系业主", due_at=hm("16:00"),
                        created_at=hm("08:25"), created_by=desk.clerk)
    Task.create(office=desk.office, title="明天的事", due_at=hm("10:00", DAY + dt.timedelta(days=1)),
                created_at=hm("08:25"), created_by=desk.clerk)
    items = [i for i in day_timeline(desk.office) if i.kind == "task"]
    assert [(i.ref, i.state) for i in items] == [
        (("task", done.id), "done"), (("task", missed.id), "missed"),
        (("task", later.id), "now"),
    ]
    assert items[0].label == "检查3栋电梯" and items[0].note == "for 李娜"
    assert items[1].note == ""


def test_other_days_have_no_now(desk, frozen_clock):
    frozen_clock(hm("10:00"))
    yesterday = day_timeline(desk.office, day=DAY - dt.timedelta(days=1))
    assert {i.state for i in yesterday} <= {"done", "missed"}
    tomorrow = day_timeline(desk.office, day=DAY + dt.timedelta(days=1))
    assert {i.state for i in tomorrow} == {"upcoming"}


def test_limit_keeps_the_now_marker_in_view(desk, frozen_clock):
    frozen_clock(hm("12:30"))
    for n in range(30):
        order(desk, appointment_at=hm("14:00") + dt.timedelta(minutes=n))
    full = day_timeline(desk.office)
    short = day_timeline(desk.office, limit=8)
    assert len(short) == 8
    assert any(i.state == "now" for i in short)
    start = full.index(short[0])
    assert full[start:start + 8] == short
    assert day_timeline(desk.office, limit=0) == []


def test_weekend_summary_shows_on_saturday(desk, frozen_clock):
    saturday = dt.date(2026, 11, 28)
    frozen_clock(hm("09:00", saturday))
    items = by_key(day_timeline(desk.office))
    item = items["deadline:weekly_fee_summary:2026-W48"]
    assert item.local_time == "17:30" and item.at.date() == dt.date(2026, 11, 28)
    assert item.note == "due by 11-29 17:30"


def test_the_office_zone_not_the_hosts(desk, frozen_clock):
    # 23:30 UTC on the 25th is 07:30 on the 26th in Shanghai.
    frozen_clock("2026-11-25T23:30:00")
    today = order(desk, appointment_at=dt.datetime(2026, 11, 26, 2, 0))  # 10:00 local
    order(desk, appointment_at=dt.datetime(2026, 11, 25, 10, 0))  # 18:00 local on the 25th
    items = day_timeline(desk.office)
    assert items[0].key == "schedule:sign_in"
    assert items[0].at == dt.datetime(2026, 11, 26, 0, 20)
    assert items[0].state == "now"
    appointments = [i for i in items if i.kind == "appointment"]
    assert [(i.ref, i.local_time) for i in appointments] == [(("repair_order", today.id), "10:00")]
    assert "deadline:monthly_fee_summary:2026-11" in by_key(items)  # the 26th


def test_queries_per_timeline_do_not_grow_with_rows(desk, frozen_clock, desk_db):
    frozen_clock(hm("12:00"))

    def count_queries():
        seen = []
        original = desk_db.execute_sql

        def counting(sql, params=None, *args, **kwargs):
            seen.append(sql)
            return original(sql, params, *args, **kwargs)

        desk_db.execute_sql = counting
        try:
            day_timeline(desk.office)
        finally:
            del desk_db.execute_sql
        return len(seen)

    few = count_queries()
    for n in range(20):
        order(desk, appointment_at=hm("14:00"), state="returned", callback_due_at=hm("15:00"))
        Task.create(office=desk.office, title=f"t{n}", due_at=hm("16:00"),
                    created_at=hm("08:25"), created_by=desk.clerk)
    assert count_queries() == few
