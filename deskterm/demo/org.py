"""The demo office itself: its people, districts, buildings, units, owner roster and fees.

翠湖花园 has three districts of ten buildings: older eleven-floor blocks with four homes a
landing in the east, eighteen- and twenty-floor towers with two a landing in the west and
south; 2,400 homes in all, every one with its owner, some with a co-owner or a tenant.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from deskterm.db.models import (
    Building,
    District,
    FeeItem,
    Office,
    Owner,
    OwnerPhone,
    Place,
    Staff,
    Unit,
)
from deskterm.demo import names
from deskterm.demo.common import Bulk, Calendar
from deskterm.demo.people import DEMO_CLERK, DEMO_STAFF, OFFICE_NAME  # noqa: F401 - re-exported
from deskterm.duties.pins import hash_pin
from deskterm.duties.pinyin import initials

# (code, name, cs supervisor)
DISTRICTS = (("A", "东区", "黄敏"), ("B", "西区", "林涛"), ("C", "南区", "郑雪"))
#: The estate's public places, by district (orders that belong to no home are done there).
PLACES = (("东门道闸", "A"), ("会所", "A"), ("西门岗亭", "B"), ("3号路", "B"),
          ("南区地下车库", "C"))
#: The repair categories each technician takes (吴刚 takes any).
SKILLS = {"张强": "water,gas", "王建军": "electricity,lift", "周海": "doors_locks,walls_roof",
          "吴刚": ""}

# Per district: (entrances, floors, homes a landing, area range per position in m²)
LAYOUTS = (
    (2, 11, 4, ((60, 75), (85, 100), (85, 100), (62, 78))),
    (2, 18, 2, ((89, 105), (118, 135))),
    (2, 20, 2, ((120, 140), (140, 160))),
)

# (code, name, kind, basis, rate in fen)
FEE_ITEMS = (
    ("WYF", "物业服务费", "property", "area", 180),  # ¥1.80 per m² a month
    ("CWF", "车位管理费", "parking", "fixed", 15000),  # ¥150 a month
    ("SF", "水费", "water", "metered", 410),  # ¥4.10 per m³
    ("DF", "电费", "electricity", "metered", 57),  # ¥0.57 per kWh
    ("WXF", "有偿维修费", "repair", "fixed", 0),
    ("DLF", "房屋租售代理费", "agency", "fixed", 0),
)
PROPERTY_RATE = 180
PARKING_RATE = 15000


@dataclass(frozen=True)
class UnitInfo:
    id: int
    building: int  # index into World.buildings
    entrance: int
    floor: int
    code: str
    area: int  # centi-m²


@dataclass(frozen=True)
class BuildingInfo:
    id: int
    code: str
    district: int  # index into World.districts
    entrances: int
    floors: int


@dataclass
class World:
    """Ids and lookups the other builders need."""

    office_id: int
    staff: dict[str, int]
    districts: list[tuple[int, str, int]] = field(default_factory=list)  # id, code, cs_sup id
    buildings: list[BuildingInfo] = field(default_factory=list)
    units: list[UnitInfo] = field(default_factory=list)
    # per unit: who may call about it, (owner id, name, phone), the main owner first
    callers: list[list[tuple[int, str, str]]] = field(default_factory=list)
    # per unit: owner id and name of the main owner
    main_owner: list[tuple[int, str]] = field(default_factory=list)
    fee_items: dict[str, int] = field(default_factory=dict)
    parking: list[bool] = field(default_factory=list)  # per unit: rents a parking space
    building_units: list[list[int]] = field(default_factory=list)  # unit indexes per building

    @property
    def clerks(self) -> tuple[int, int]:
        return self.staff["李静"], self.staff["陈晓燕"]

    @property
    def demo_clerk(self) -> int:
        return self.staff[DEMO_CLERK]

    @property
    def technicians(self) -> list[int]:
        return [self.staff[n] for n, role, _ in DEMO_STAFF if role == "technician"]


def build_org(bulk: Bulk, cal: Calendar, rng: random.Random, *, buildings: int) -> World:
    created = cal.start(cal.first_day)
    office_id = bulk.next_id(Office)
    # The office's record is made now (its history imported with it): the demo sandbox
    # tells a demo built today from an older one by this date.
    bulk.insert(Office, ("id", "name", "timezone", "created_at"),
                [(office_id, OFFICE_NAME, cal.tz, cal.now)])

    phones = names.PhoneBook(rng)
    staff: dict[str, int] = {}
    rows = []
    for name, role, pin in DEMO_STAFF:
        staff[name] = bulk.next_id(Staff)
        rows.append((staff[name], office_id, name, initials(name), role, phones.mobile(),
                     hash_pin(pin, salt=rng.randbytes(16)), True, created, SKILLS.get(name, "")))
    bulk.insert(Staff, ("id", "office", "name", "pinyin_initials", "role", "phone", "pin_hash",
                        "active", "created_at", "skills"), rows)
    world = World(office_id=office_id, staff=staff)

    rows = []
    for code, name, supervisor in DISTRICTS:
        district_id = bulk.next_id(District)
        world.districts.append((district_id, code, staff[supervisor]))
        rows.append((district_id, office_id, code, name, staff[supervisor]))
    bulk.insert(District, ("id", "office", "code", "name", "cs_supervisor"), rows)
    district_of = {code: district_id for district_id, code, _s in world.districts}
    bulk.insert(Place, ("id", "office", "district", "name", "active"),
                [(bulk.next_id(Place), office_id, district_of[code], name, True)
                 for name, code in PLACES])

    building_rows, unit_rows = [], []
    for index in range(buildings):
        district = min(index * len(DISTRICTS) // buildings, len(DISTRICTS) - 1)
        entrances, floors, per_floor, areas = LAYOUTS[district]
        code = str(index + 1)
        building_id = bulk.next_id(Building)
        world.buildings.append(BuildingInfo(building_id, code, district, entrances, floors))
        building_rows.append((building_id, office_id, world.districts[district][0], code,
                              f"{code}栋", floors))
        stack = [round(rng.uniform(lo, hi) * 100) for lo, hi in areas]
        world.building_units.append([])
        for entrance in range(1, entrances + 1):
            for floor in range(1, floors + 1):
                for position in range(1, per_floor + 1):
                    room = f"{floor}{position:02d}"
                    unit_code = f"{code}-{entrance}-{room}"
                    unit_id = bulk.next_id(Unit)
                    area = stack[position - 1]
                    world.building_units[index].append(len(world.units))
                    world.units.append(UnitInfo(unit_id, index, entrance, floor, unit_code, area))
                    unit_rows.append((unit_id, office_id, building_id, str(entrance), room,
                                      unit_code, area))
    bulk.insert(Building, ("id", "office", "district", "code", "name", "floors"), building_rows)
    bulk.insert(Unit, ("id", "office", "building", "entrance", "room", "code", "area_centi_m2"),
                unit_rows)

    _owners(bulk, cal, rng, world, phones)

    rows = []
    for code, name, kind, basis, rate in FEE_ITEMS:
        world.fee_items[kind] = bulk.next_id(FeeItem)
        rows.append((world.fee_items[kind], office_id, code, name, kind, basis, rate, True))
    bulk.insert(FeeItem, ("id", "office", "code", "name", "kind", "basis", "rate", "active"), rows)
    world.parking = [rng.random() < 0.22 for _ in world.units]
    return world


def _owners(bulk: Bulk, cal: Calendar, rng: random.Random, world: World,
            phones: names.PhoneBook) -> None:
    created = cal.start(cal.first_day)
    owner_rows, phone_rows = [], []

    def add(unit: UnitInfo, name: str, kind: str, *, active: bool = True, note: str = "",
            at: dt.datetime = created) -> int:
        owner_id = bulk.next_id(Owner)
        owner_rows.append((owner_id, world.office_id, unit.id, name, initials(name), kind, active,
                           note, at))
        return owner_id

    for unit in world.units:
        callers: list[tuple[int, str, str]] = []
        female = rng.random() < 0.45
        name = names.person_name(rng, female)
        owner_id = add(unit, name, "owner")
        mobile = phones.mobile()
        phone_rows.append((owner_id, mobile, "手机"))
        if rng.random() < 0.18:
            phone_rows.append((owner_id, phones.mobile(), "备用"))
        if rng.random() < 0.06:
            phone_rows.append((owner_id, phones.landline(), "座机"))
        callers.append((owner_id, name, mobile))
        world.main_owner.append((owner_id, name))
        if rng.random() < 0.12:  # a spouse on the deed
            spouse = names.person_name(rng, not female)
            spouse_id = add(unit, spouse, "owner", note="共有人")
            spouse_phone = phones.mobile()
            phone_rows.append((spouse_id, spouse_phone, "手机"))
            callers.append((spouse_id, spouse, spouse_phone))
        if rng.random() < 0.03:  # the previous owner, kept for the record
            previous = names.person_name(rng)
            previous_id = add(unit, previous, "owner", active=False, note="已过户")
            phone_rows.append((previous_id, phones.mobile(), "手机"))
        if rng.random() < 0.10:
            tenant = names.person_name(rng)
            moved_in = cal.today - dt.timedelta(days=rng.randrange(20, 500))
            until = moved_in.replace(day=1) + dt.timedelta(days=366 + 31 * rng.randrange(0, 12))
            tenant_id = add(unit, tenant, "tenant", note=f"租户，租期至{until:%Y-%m}",
                            at=cal.at(moved_in, 10 * 60))
            tenant_phone = phones.mobile()
            phone_rows.append((tenant_id, tenant_phone, "手机"))
            callers.extend([(tenant_id, tenant, tenant_phone)] * 2)  # tenants call more
        world.callers.append(callers)
    bulk.insert(Owner, ("id", "office", "unit", "name", "pinyin_initials", "kind", "active",
                        "note", "created_at"), owner_rows)
    bulk.insert(OwnerPhone, ("owner", "phone", "label"), phone_rows)
