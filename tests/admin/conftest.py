"""The office of the manager's tests: the small office and its manager, 周敏 (PIN 1234)."""

from __future__ import annotations

import pytest

from deskterm.db import changes
from deskterm.db.models import Staff
from tests.factories import _pin_hash, small_office


@pytest.fixture
def so(desk_db):
    office = small_office()
    with changes.write():
        office.manager = Staff.create(office=office.office, name="周敏", role="manager",
                                      pinyin_initials="zm", pin_hash=_pin_hash(),
                                      created_at=office.office.created_at)
    return office
