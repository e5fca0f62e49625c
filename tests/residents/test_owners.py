"""Editing the owner roster by hand (deskterm.duties.residents.owners): the card, edits with their
change-log rows, phones checked all or nothing, new owners, and never a deletion."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskterm.db.models import ChangeLog, Owner, OwnerPhone
from deskterm.duties.parsing import format_phone
from deskterm.duties.residents.owners import (
    add_owner,
    edit_owner,
    owner_card,
    parse_phones,
    set_phones,
    update_owner,
)
from deskterm.errors import DutyError
from tests.factories import small_office


@pytest.fixture
def so(desk_db):
    return small_office()


def zhang(so) -> Owner:
    return Owner.get((Owner.office == so.office) & (Owner.name == "张三"))


def phones(owner_id: int) -> list[str]:
    return [p.phone for p in OwnerPhone.select().where(OwnerPhone.owner == owner_id)
            .order_by(OwnerPhone.id)]


def log_count() -> int:
    return ChangeLog.select().count()


def test_the_card(so):
    card = owner_card(so.office, zhang(so).id)
    assert (card.name, card.kind, card.active, card.note, card.unit_code, card.phones) == (
        "张三", "owner", True, "", "3-2-501", ("13812345678",))
    other = small_office("另一个管理处")
    with pytest.raises(DutyError) as refused:
        owner_card(other.office, card.id)
    assert refused.value.field == "owner"


def test_update_keeps_the_initials_in_step_and_logs_the_change(so):
    owner = zhang(so)
    card = update_owner(so.office, so.clerk, owner.id, name="曾小红", kind="tenant",
                        note="[red]钥匙[/] 在物业")
    assert (card.name, card.kind, card.note) == ("曾小红", "tenant", "[red]钥匙[/] 在物业")
    assert Owner.get_by_id(owner.id).pinyin_initials == "zxh"
    entry = ChangeLog.select().order_by(ChangeLog.id.desc()).get()
    assert (entry.topic, entry.row_id, entry.action, entry.staff_id) == (
        "owner", owner.id, "update", so.clerk.id)
    assert json.loads(entry.detail)["before"] == {
        "name": "张三", "pinyin_initials": "zs", "kind": "owner", "note": ""}
    before = log_count()
    update_owner(so.office, so.clerk, owner.id, name=" 曾小红 ", kind="tenant")
    assert log_count() == before  # nothing changed, nothing written


def test_moving_out_sets_inactive_and_never_deletes(so):
    owner = zhang(so)
    assert not update_owner(so.office, so.clerk, owner.id, active=False).active
    assert Owner.get_by_id(owner.id).active is False
    assert phones(owner.id) == ["13812345678"]
    assert update_owner(so.office, so.clerk, owner.id, active=True).active


@pytest.mark.parametrize("bad", [
    {"name": "  "}, {"kind": "landlord"}, {"note": "x" * 501}, {"name": "名" * 41},
])
def test_refused_updates_store_nothing(so, bad):
    owner = zhang(so)
    before = (log_count(), Owner.get_by_id(owner.id).__data__)
    with pytest.raises(DutyError) as refused:
        update_owner(so.office, so.clerk, owner.id, **bad)
    assert refused.value.field == next(iter(bad))
    assert (log_count(), Owner.get_by_id(owner.id).__data__) == before


def test_set_phones_all_or_nothing(so):
    owner = zhang(so)
    before = log_count()
    with pytest.raises(DutyError) as refused:
        set_phones(so.office, so.clerk, owner.id, "139 1234 5678 / 12345 / 027-8765 4321")
    assert refused.value.field == "phones"
    assert refused.value.message.startswith("12345: ")
    assert phones(owner.id) == ["13812345678"] and log_count() == before
    card = set_phones(so.office, so.clerk, owner.id,
                      "138 1234 5678 / 027-8765 4321 转 12, 13912345678")
    assert card.phones == ("13812345678", "02787654321-12", "13912345678")
    assert log_count() == before + 2  # two phones added, the first kept as it was
    # the first phone changes: the forms fill it in, so the order is written again
    set_phones(so.office, so.clerk, owner.id, "13912345678 13812345678")
    assert phones(owner.id) == ["13912345678", "13812345678"]
    deleted = ChangeLog.select().where((ChangeLog.topic == "owner_phone")
                                       & (ChangeLog.action == "delete")).count()
    assert deleted == 3
    assert set_phones(so.office, so.clerk, owner.id, "").phones == ()


def test_add_an_owner(so):
    card = add_owner(so.office, so.clerk, "3栋2单元501", "李四", "tenant",
                     "13912345678 / 0755-2345 6789")
    assert (card.unit_code, card.name, card.kind, card.phones) == (
        "3-2-501", "李四", "tenant", ("13912345678", "075523456789"))
    assert Owner.get_by_id(card.id).pinyin_initials == "ls"
    topics = [(e.topic, e.action) for e in ChangeLog.select().order_by(ChangeLog.id)][-3:]
    assert topics == [("owner", "create"), ("owner_phone", "create"),
                      ("owner_phone", "create")]


@pytest.mark.parametrize(("args", "field"), [
    (("9-9-901", "李四", "owner", ""), "unit"),
    (("3-2", "李四", "owner", ""), "unit"),
    (("3-2-501", "张三", "owner", ""), "name"),
    (("3-2-501", "李四", "boss", ""), "kind"),
    (("3-2-501", "李四", "owner", "13912345678 / 1391234"), "phones"),
])
def test_refused_new_owners_store_nothing(so, args, field):
    before = (Owner.select().count(), OwnerPhone.select().count(), log_count())
    with pytest.raises(DutyError) as refused:
        add_owner(so.office, so.clerk, *args)
    assert refused.value.field == field
    assert (Owner.select().count(), OwnerPhone.select().count(), log_count()) == before


def test_the_form_s_save_is_one_transaction(so):
    owner = zhang(so)
    before = (log_count(), Owner.get_by_id(owner.id).__data__, phones(owner.id))
    with pytest.raises(DutyError):
        edit_owner(so.office, so.clerk, owner.id, name="张三丰", kind="owner", note="",
                   active=True, phones="13912345678 / 0123")
    assert (log_count(), Owner.get_by_id(owner.id).__data__, phones(owner.id)) == before
    card = edit_owner(so.office, so.clerk, owner.id, name="张三丰", kind="owner", note="",
                      active=False, phones="13912345678")
    assert (card.name, card.active, card.phones) == ("张三丰", False, ("13912345678",))


def test_only_desk_staff_edit(so):
    with pytest.raises(DutyError) as refused:
        update_owner(so.office, so.technician, zhang(so).id, name="李四")
    assert refused.value.field == "clerk"
    assert zhang(so).name == "张三"


# --- the phones field ------------------------------------------------------------------------

def test_phones_are_split_on_the_usual_separators():
    assert parse_phones("138 1234 5678") == ["13812345678"]
    assert parse_phones("13812345678 13912345678") == ["13812345678", "13912345678"]
    assert parse_phones("13812345678、13912345678；027-87654321") == [
        "13812345678", "13912345678", "02787654321"]
    assert parse_phones("138 1234 5678 / 138-1234-5678") == ["13812345678"]
    assert parse_phones("027-8765 4321 转 123") == ["02787654321-123"]
    assert parse_phones("027-8765 4321 转 12 13812345678") == ["02787654321-12", "13812345678"]
    assert parse_phones("  ") == []
    with pytest.raises(DutyError) as refused:
        parse_phones("138 1234 5678 139 1234 567")
    assert refused.value.message == "139 1234 567: A mobile number has 11 digits; this has 10."
    with pytest.raises(DutyError) as refused:
        parse_phones("13812345678 / \x1b[31m123")
    assert refused.value.message.isprintable()


MOBILE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
LANDLINE = st.from_regex(r"0(10|2[0-9])[2-9][0-9]{7}|0[3-9][0-9]{2}[2-9][0-9]{6,7}",
                         fullmatch=True)


@given(st.lists(MOBILE | LANDLINE, max_size=8, unique=True),
       st.sampled_from([" / ", ", ", "、", "；", " "]))
def test_formatted_phones_read_back(numbers, separator):
    assert parse_phones(separator.join(format_phone(n) for n in numbers)) == numbers


@given(st.text(max_size=80))
def test_any_text_is_phones_or_a_phones_error(text):
    try:
        found = parse_phones(text)
    except DutyError as exc:
        assert exc.field == "phones"
    else:
        assert all(p.replace("-", "").isdigit() for p in found)
