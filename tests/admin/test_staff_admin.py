"""The manager's staff list and office settings without SQL, as duties and as commands:
each change logged with who made it, each refusal clear and changing nothing."""

from __future__ import annotations

import io

import pytest

from deskterm.cli import main
from deskterm.db.models import ChangeLog, Office, Staff
from deskterm.duties.desk import sign_in
from deskterm.duties.office_settings import set_office, shown
from deskterm.duties.pin_checks import MAX_FAILURES, check_pin
from deskterm.duties.pins import pin_matches
from deskterm.duties.staff_admin import (
    change_role,
    lift_lockout,
    mark_leaver,
    set_contact,
    set_pin,
    staff_lines,
)
from deskterm.errors import DutyError
from tests.factories import PIN


def logged(person, action) -> ChangeLog:
    return (ChangeLog.select().where((ChangeLog.topic == "staff")
                                     & (ChangeLog.row_id == person.id)
                                     & (ChangeLog.action == action))
            .order_by(ChangeLog.id.desc()).first())


def lock_out(so, person) -> None:
    for _ in range(MAX_FAILURES):
        with pytest.raises(DutyError):
            check_pin(so.office, person, "0000", "sign_in")


def test_a_forgotten_pin_set_again_ends_a_lockout(so):
    lock_out(so, so.clerk)
    assert [s.locked_minutes for s in staff_lines(so.office) if s.name == "李静"] == [5]
    set_pin(so.office, so.manager, so.clerk.id, "２４６８")  # full-width from an IME
    clerk = Staff.get_by_id(so.clerk.id)
    assert pin_matches("2468", clerk.pin_hash)
    entry = logged(clerk, "pin_set")
    assert entry.staff_id == so.manager.id and "pin" not in (entry.detail or "").replace(
        '"pin_set"', "")  # neither the PIN nor its hash is logged
    assert sign_in(so.office, clerk.id, "2468")  # no longer locked
    with pytest.raises(DutyError, match="4 to 8 digits"):
        set_pin(so.office, so.manager, so.clerk.id, "12")


def test_a_lockout_lifted_by_the_manager(so):
    with pytest.raises(DutyError, match="is not locked"):
        lift_lockout(so.office, so.manager, so.clerk.id)
    lock_out(so, so.clerk)
    lift_lockout(so.office, so.manager, so.clerk.id)
    assert logged(so.clerk, "lockout_lifted").staff_id == so.manager.id
    assert sign_in(so.office, so.clerk.id, PIN)


def test_a_role_change_is_logged_and_checked(so):
    change_role(so.office, so.manager, so.clerk.id, "supervisor")
    entry = logged(so.clerk, "role")
    assert entry.staff_id == so.manager.id
    assert '"role": "clerk"' in entry.detail and '"role": "supervisor"' in entry.detail
    with pytest.raises(DutyError, match="is a supervisor already"):
        change_role(so.office, so.manager, so.clerk.id, "supervisor")
    with pytest.raises(DutyError, match="has no PIN to sign in with"):
        change_role(so.office, so.manager, so.technician.id, "clerk")
    with pytest.raises(DutyError, match="only manager"):
        change_role(so.office, so.manager, so.manager.id, "clerk")
    with pytest.raises(DutyError, match="Unknown role"):
        change_role(so.office, so.manager, so.clerk.id, "boss")


def test_a_leaver_keeps_their_name_and_cannot_sign_in(so):
    mark_leaver(so.office, so.manager, so.clerk.id)
    clerk = Staff.get_by_id(so.clerk.id)
    assert not clerk.active and clerk.name == "李静"
    assert logged(clerk, "leave").staff_id == so.manager.id
    with pytest.raises(DutyError):
        sign_in(so.office, clerk.id, PIN)
    assert staff_lines(so.office)[-1].name == "李静"  # leavers last
    with pytest.raises(DutyError, match="has left already"):
        mark_leaver(so.office, so.manager, so.clerk.id)
    with pytest.raises(DutyError, match="yourself"):
        mark_leaver(so.office, so.manager, so.manager.id)


def test_a_technician_s_phone_for_dispatch(so):
    set_contact(so.office, so.manager, so.technician.id, "+86 139-1234-5678")
    assert Staff.get_by_id(so.technician.id).phone == "13912345678"
    assert logged(so.technician, "contact").staff_id == so.manager.id
    with pytest.raises(DutyError) as refused:
        set_contact(so.office, so.manager, so.technician.id, "12345")
    assert refused.value.field == "phone"
    assert Staff.get_by_id(so.technician.id).phone == "13912345678"
    set_contact(so.office, so.manager, so.technician.id, "")
    assert Staff.get_by_id(so.technician.id).phone == ""


def test_a_new_opening_time_and_refused_settings(so):
    office = so.office
    changed = set_office(office, so.manager, phones_open_at="8:15", summer_start="5/1",
                         cash_difference_limit="20")
    assert changed == {"phones_open_at": "08:15", "cash_difference_limit": 2000}
    assert Office.get_by_id(office.id).phones_open_at == "08:15"
    entry = ChangeLog.select().where((ChangeLog.topic == "office")
                                     & (ChangeLog.action == "settings")).get()
    assert entry.staff_id == so.manager.id and '"08:30"' in entry.detail
    before = Office.get_by_id(office.id).__data__
    for key, value, words in [("phones_open_at", "25:00", "like 08:30"),
                              ("summer_start", "02-30", "like 05-01"),
                              ("idle_lock_minutes", "0", "from 1 to 240"),
                              ("timezone", "Mars/Base", "Unknown time zone"),
                              ("cash_difference_limit", "-5", "cannot be negative"),
                              ("name", "", "office's name"),
                              ("colour", "red", "There is no setting")]:
        with pytest.raises(DutyError, match=words) as refused:
            set_office(office, so.manager, sign_in_at="08:00", **{key: value})
        assert refused.value.field in (key, "key")
    assert Office.get_by_id(office.id).__data__ == before  # not even the good one
    assert ("phones_open_at", "Phones open", "08:15") in shown(office)


# --- the same from the command line ---------------------------------------------------------

@pytest.fixture
def cli(so, desk_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_OFFICE"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main([*args, "--db", desk_db.deskterm_url, "--office", str(so.office.id)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_the_staff_commands(so, cli):
    code, out, _err = cli("staff", "list")
    assert code == 0 and out.splitlines()[0] == "李静\tclerk\tactive"
    lock_out(so, so.clerk)
    assert "PIN locked 5 min" in cli("staff", "list")[1]
    assert cli("staff", "unlock", "李静") == (0, "李静's PIN is unlocked.\n", "")
    assert cli("staff", "pin", "李静", "--pin-stdin", stdin="13579\n")[0] == 0
    assert pin_matches("13579", Staff.get_by_id(so.clerk.id).pin_hash)
    assert cli("staff", "role", "李静", "supervisor")[1] == "李静 is now supervisor.\n"
    assert cli("staff", "contact", "张强", "13912345678") == (0, "张强's phone is saved.\n", "")
    assert Staff.get_by_id(so.technician.id).phone == "13912345678"
    assert cli("staff", "leave", "张强")[0] == 0
    code, _out, err = cli("staff", "leave", "王五")
    assert code == 2 and err == "deskterm: Nobody called 王五 is on this office's staff list.\n"
    code, _out, err = cli("staff", "pin", "李静", "--pin-stdin", stdin="12\n")
    assert code == 2 and err == "deskterm: A PIN is 4 to 8 digits.\n"
    assert logged(so.clerk, "pin_set").staff_id is None  # the command line: nobody signed in


def test_the_office_commands(so, cli):
    code, out, _err = cli("office", "set", "phones_open_at", "08:15", "idle_lock_minutes", "15")
    assert code == 0 and "phones_open_at\t08:15\tPhones open" in out.splitlines()
    assert Office.get_by_id(so.office.id).idle_lock_minutes == 15
    code, _out, err = cli("office", "set", "phones_open_at", "8.75")
    assert code == 2 and err == "deskterm: Write a time like 08:30.\n"
    assert cli("office", "set", "phones_open_at")[0] == 2
    assert "Nothing changed." in cli("office", "set", "idle_lock_minutes", "15")[1]
