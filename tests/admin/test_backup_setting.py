"""The daily backup's time (``backup_at``), set by the manager: HH:MM puts the backup on the
deadline calendar, an empty value (or "-", "off") takes it off; a time that is no time is
refused in the manager's words, nothing written. From the command line and in the desk's
office form at 80×24."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from deskterm.cli import main
from deskterm.db.models import ChangeLog, Office
from deskterm.duties.office_settings import set_office, shown
from deskterm.errors import DutyError
from deskterm.screens.admin.office_form import OfficeSettingsForm
from tests.admin.test_staff_book import form_on_top, manager_app, open_book
from tests.desk_app import wait_until
from tests.factories import PIN

REFUSED = "Write a time like 02:30, or leave it empty for no daily backup on the calendar."


def backup_at(so) -> str:
    return Office.get_by_id(so.office.id).backup_at


def test_a_time_or_nothing(so):
    assert backup_at(so) == ""
    assert ("backup_at", "Daily backup (empty: off)", "-") in shown(so.office)
    assert set_office(so.office, so.manager, backup_at="２:３０") == {"backup_at": "02:30"}
    assert ("backup_at", "Daily backup (empty: off)", "02:30") in shown(so.office)
    for typed in ("25:00", "2:60", "tonight", "02:30:00"):
        with pytest.raises(DutyError) as refused:
            set_office(so.office, so.manager, backup_at=typed)
        assert (refused.value.field, refused.value.message) == ("backup_at", REFUSED)
    assert backup_at(so) == "02:30"
    for off in ("OFF", " - ", ""):
        set_office(so.office, so.manager, backup_at="02:30")
        assert set_office(so.office, so.manager, backup_at=off) == {"backup_at": ""}
        assert backup_at(so) == ""


def test_from_the_command_line(so, desk_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_OFFICE"):
        monkeypatch.delenv(name, raising=False)

    def cli(*args: str) -> tuple[int, str, str]:
        code = main([*args, "--db", desk_db.deskterm_url, "--office", str(so.office.id)])
        return (code, *capsys.readouterr())

    code, out, _err = cli("office", "set", "backup_at", "02:00")
    assert code == 0 and "backup_at\t02:00\tDaily backup (empty: off)" in out.splitlines()
    assert backup_at(so) == "02:00"
    assert cli("office", "set", "backup_at", "25:00") == (2, "", f"deskterm: {REFUSED}\n")
    assert backup_at(so) == "02:00"
    code, out, _err = cli("office", "set", "backup_at", "")
    assert code == 0 and "backup_at\t-\tDaily backup (empty: off)" in out.splitlines()
    assert backup_at(so) == ""


async def test_the_office_form_takes_an_empty_backup_time(so):
    set_office(so.office, so.manager, backup_at="02:00")
    app = manager_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_book(pilot)
        await pilot.press("o")
        form = await form_on_top(pilot, OfficeSettingsForm)
        field = form.query_one("#os-backup_at", Input)
        assert field.value == "02:00"
        field.value = "25:00"
        form.query_one("#os-manager_pin", Input).focus()
        await pilot.press(*PIN, "ctrl+s")
        await wait_until(pilot, lambda: REFUSED in str(
            form.query_one("#os-error-backup_at").content))
        assert app.focused is field
        assert backup_at(so) == "02:00"  # nothing written
        field.value = ""
        form.query_one("#os-manager_pin", Input).focus()
        await pilot.press(*PIN, "ctrl+s")
        await wait_until(pilot, lambda: app.screen is book)
        assert backup_at(so) == "" and app.session.office.backup_at == ""
        entry = (ChangeLog.select().where((ChangeLog.topic == "office")
                                          & (ChangeLog.action == "settings"))
                 .order_by(ChangeLog.id.desc()).first())
        assert entry.staff_id == so.manager.id
        assert '"after": {"backup_at": ""}' in entry.detail
