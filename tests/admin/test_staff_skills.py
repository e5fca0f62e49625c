"""A technician's skills (issue #12): the repair categories he takes, set by the manager
as a duty, from the command line and in the desk's staff book (F10 x, ``k``); keys or
labels in English or Chinese; each change logged with who made it; a refusal (an unknown
category, someone not a technician, a leaver) clear and changing nothing."""

from __future__ import annotations

import io
import json

import pytest
from textual.widgets import Checkbox, Input

from deskterm.cli import main
from deskterm.db.models import ChangeLog, Staff
from deskterm.duties.staff_admin import (
    mark_leaver,
    parse_skills,
    set_skills,
    skills_words,
    staff_lines,
)
from deskterm.errors import DutyError
from deskterm.i18n import set_language
from deskterm.screens.admin.staff_forms import SkillsForm
from tests.admin.test_staff_book import form_on_top, manager_app, open_book, to_row
from tests.desk_app import wait_until
from tests.factories import PIN


def skills_of(person) -> str:
    return Staff.get_by_id(person.id).skills


def skill_entries(person) -> list[ChangeLog]:
    return list(ChangeLog.select().where((ChangeLog.topic == "staff")
                                         & (ChangeLog.row_id == person.id)
                                         & (ChangeLog.action == "skills"))
                .order_by(ChangeLog.id))


# --- the duty ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "keys"), [
    ("water, electricity", ("water", "electricity")),
    ("electricity water water", ("water", "electricity")),  # stored in the categories' order
    ("doors_locks;Walls and roof", ("doors_locks", "walls_roof")),
    ("doors and locks lift", ("doors_locks", "lift")),
    ("水路、电路", ("water", "electricity")),
    ("水电", ("water", "electricity")),  # the clerk's word for both
    ("水，燃气 其他", ("water", "gas", "other")),
    ("门 公共", ("doors_locks", "public_area")),  # the start of one label only
    (["lift", "电梯", "公共区域"], ("lift", "public_area")),
    ("", ()),
    ("  、 ", ()),
])
def test_categories_are_read_from_keys_and_labels(typed, keys):
    assert parse_skills(typed) == keys


def test_categories_are_read_in_either_language_whatever_the_desk_speaks():
    set_language("zh_CN")
    assert parse_skills("water, 门锁") == ("water", "doors_locks")
    assert skills_words(("water", "lift")) == "水路、电梯"
    assert skills_words(()) == "各类维修"


@pytest.mark.parametrize("typed", ["pipes", "w", "water, and", "电视", "水 roof-garden"])
def test_an_unknown_category_is_refused_with_the_valid_ones(typed):
    with pytest.raises(DutyError) as refused:
        parse_skills(typed)
    assert refused.value.field == "skills"
    assert refused.value.message.startswith("Unknown repair category '")
    assert "one of water, electricity, doors and locks, lift, public area, gas, walls and " \
           "roof, other." in refused.value.message


def test_skills_set_by_name_logged_with_who_and_cleared(so):
    person = set_skills(so.office, so.manager, "张强", "水路、doors and locks")
    assert person.id == so.technician.id and skills_of(so.technician) == "water,doors_locks"
    entry = skill_entries(so.technician)[-1]
    assert entry.staff_id == so.manager.id
    detail = json.loads(entry.detail)
    assert detail["before"] == {"skills": ""} and detail["after"] == {"skills": "water,doors_locks"}
    line = next(s for s in staff_lines(so.office) if s.name == "张强")
    assert line.skills == ("water", "doors_locks")
    set_skills(so.office, None, so.technician.id, "")  # the command line: nobody signed in
    assert skills_of(so.technician) == ""
    assert skill_entries(so.technician)[-1].staff_id is None
    assert next(s for s in staff_lines(so.office) if s.name == "张强").skills == ()


def test_skills_are_refused_for_others_and_change_nothing(so):
    set_skills(so.office, so.manager, so.technician, "gas")
    entries = len(skill_entries(so.technician))
    with pytest.raises(DutyError, match="Unknown repair category 'plumbing'"):
        set_skills(so.office, so.manager, so.technician, "water plumbing")
    with pytest.raises(DutyError, match="李静 is a clerk: only technicians take repair"):
        set_skills(so.office, so.manager, so.clerk, "water")
    with pytest.raises(DutyError, match="Nobody called 王五"):
        set_skills(so.office, so.manager, "王五", "water")
    assert skills_of(so.clerk) == "" and skills_of(so.technician) == "gas"
    assert len(skill_entries(so.technician)) == entries and not skill_entries(so.clerk)
    mark_leaver(so.office, so.manager, so.technician.id)
    with pytest.raises(DutyError, match="张强 has left") as refused:
        set_skills(so.office, so.manager, so.technician, "water")
    assert refused.value.field == "skills" and skills_of(so.technician) == "gas"


# --- the command line -------------------------------------------------------------------------

@pytest.fixture
def cli(so, desk_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_OFFICE"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
        code = main([*args, "--db", desk_db.deskterm_url, "--office", str(so.office.id)])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_the_skills_command(so, cli):
    assert cli("staff", "skills", "张强", "water", "doors", "and", "locks") == (
        0, "张强 takes: water, doors and locks.\n", "")
    assert skills_of(so.technician) == "water,doors_locks"
    assert skill_entries(so.technician)[-1].staff_id is None
    assert cli("staff", "skills", "张强", "水电、燃气")[1] == "张强 takes: water, electricity, gas.\n"
    code, out, _err = cli("staff", "list")
    assert code == 0 and "张强\ttechnician\tno PIN (no sign-in)\twater, electricity, gas" in (
        out.splitlines())
    assert "李静\tclerk\tactive" in out.splitlines()  # no skills for the desk's people
    assert cli("staff", "skills", "张强") == (0, "张强 takes any repair.\n", "")
    assert skills_of(so.technician) == ""
    assert "张强\ttechnician\tno PIN (no sign-in)\tany repair" in cli("staff", "list")[1]


def test_the_skills_command_refuses_in_one_line_and_changes_nothing(so, cli):
    cli("staff", "skills", "张强", "lift")
    entries = ChangeLog.select().count()
    code, out, err = cli("staff", "skills", "张强", "lift", "pipes")
    assert (code, out) == (2, "") and err == (
        "deskterm: Unknown repair category 'pipes': one of water, electricity, doors and "
        "locks, lift, public area, gas, walls and roof, other.\n")
    code, out, err = cli("staff", "skills", "李静", "water")
    assert (code, out) == (2, "") and err == (
        "deskterm: 李静 is a clerk: only technicians take repair categories.\n")
    code, _out, err = cli("staff", "skills", "王五", "water")
    assert code == 2 and err == "deskterm: Nobody called 王五 is on this office's staff list.\n"
    assert cli("staff", "leave", "张强")[0] == 0
    entries += 1
    code, _out, err = cli("staff", "skills", "张强")
    assert code == 2 and err == "deskterm: 张强 has left: nothing to change.\n"
    assert skills_of(so.technician) == "lift" and skills_of(so.clerk) == ""
    assert ChangeLog.select().count() == entries


# --- the desk: the manager's staff book, k ------------------------------------------------------

@pytest.mark.both_databases
async def test_the_manager_ticks_a_technician_s_repairs(so):
    set_skills(so.office, None, so.technician, "gas")
    app = manager_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_book(pilot)
        await to_row(pilot, book, "张强")
        assert "gas" in str(book.table.get_row_at(book.table.cursor_row)[-1])
        await pilot.press("k")
        form = await form_on_top(pilot, SkillsForm)
        boxes = {box.id.removeprefix("sc-skill_"): box for box in form.query(Checkbox)}
        assert [key for key, box in boxes.items() if box.value] == ["gas"]
        assert app.focused is boxes["water"]
        assert str(boxes["water"].label) == "✗ water"  # each box names its category
        await pilot.press("space", "tab", "space", "tab", "tab", "tab", "tab", "space")
        await wait_until(pilot, lambda: not boxes["gas"].value)
        assert [key for key, box in boxes.items() if box.value] == ["water", "electricity"]
        assert str(boxes["water"].label) == "✓ water"
        form.query_one("#sc-manager_pin", Input).focus()
        await pilot.press(*"9999", "enter")  # a wrong PIN: nothing changes, ticks stay
        await wait_until(pilot, lambda: "Wrong PIN" in str(
            form.query_one("#sc-error-manager_pin").content))
        assert skills_of(so.technician) == "gas" and boxes["water"].value
        await pilot.press(*PIN, "enter")
        await wait_until(pilot, lambda: app.screen is book and book.loads > 1
                         and book.current_row().skills == ("water", "electricity"))
        assert skills_of(so.technician) == "water,electricity"
        assert skill_entries(so.technician)[-1].staff_id == so.manager.id
        assert book.current_row().name == "张强"
        assert "water, electricity" in str(book.table.get_row_at(book.table.cursor_row)[-1])
        assert "repairs: water, electricity" in str(book.query_one("#sb-detail").content)


async def test_none_ticked_is_any_repair_and_others_take_none(so):
    set_skills(so.office, None, so.technician, "lift")
    app = manager_app(so)
    async with app.run_test(size=(80, 24)) as pilot:
        book = await open_book(pilot)
        await to_row(pilot, book, "李静")
        await pilot.press("k")
        await wait_until(pilot, lambda: "李静 is a clerk: only technicians take repair "
                         "categories." in str(book.query_one("#sb-message").content))
        assert app.screen is book
        await to_row(pilot, book, "张强")
        await pilot.press("k")
        form = await form_on_top(pilot, SkillsForm)
        form.query_one("#sc-skill_lift", Checkbox).value = False
        form.query_one("#sc-manager_pin", Input).focus()
        await pilot.press(*PIN, "ctrl+s")
        await wait_until(pilot, lambda: app.screen is book
                         and book.current_row().skills == ())
        assert skills_of(so.technician) == ""
        assert "any repair" in str(book.table.get_row_at(book.table.cursor_row)[-1])
