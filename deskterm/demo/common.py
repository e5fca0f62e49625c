"""What every part of the demo builder shares: the clock and calendar of the build,
who is on duty on which day, and a fast bulk writer.

Rows are written with explicit ids through the driver's ``executemany`` on one prepared
INSERT per table (measured on SQLite: 14 µs a row, against 53 µs for Peewee's
``insert_many`` of the same tuples), so every row of a million-order office is made in
Python first and written in large batches, inside ``changes.write()`` transactions.
Explicit ids let children be built before their parents are written; on PostgreSQL the
id sequences are moved past them at the end (``Bulk.fix_sequences``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from peewee import Database, PostgresqlDatabase

from deskterm import clock

BATCH = 5000
ZERO = dt.timedelta(0)


def minutes(value: float) -> dt.timedelta:
    """A duration of ``value`` minutes, whole seconds (stored times carry no fractions)."""
    return dt.timedelta(seconds=round(value * 60))


class Bulk:
    """Explicit ids and fast inserts for any model; counts what it wrote."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.counts: Counter[str] = Counter()
        self._next: dict[type, int] = {}
        self._sql: dict[tuple, tuple[str, tuple]] = {}
        # PostgreSQL: COPY FROM STDIN (psycopg 3), several times faster than executemany.
        self._copy = isinstance(db, PostgresqlDatabase)

    def next_id(self, model) -> int:
        if model not in self._next:
            self._next[model] = (model.select(model.id).order_by(model.id.desc())
                                 .limit(1).scalar() or 0) + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value

    def insert(self, model, fields: Sequence[str], rows: Iterable[Sequence]) -> int:
        """Insert ``rows`` (tuples in ``fields`` order); the caller holds the transaction."""
        key = (model, tuple(fields))
        found = self._sql.get(key)
        if found is None:
            meta = model._meta
            # Fields left out get their model default, as Model.create would give them.
            extra = [f for f in meta.sorted_fields
                     if f.name not in fields and f.name != "id" and f.default is not None]
            defaults = tuple(f.default() if callable(f.default) else f.default for f in extra)
            names = [meta.fields[name].column_name for name in fields]
            names += [f.column_name for f in extra]
            columns = ", ".join(f'"{name}"' for name in names)
            if self._copy:
                sql = f'COPY "{meta.table_name}" ({columns}) FROM STDIN'
            else:
                marks = ", ".join([self.db.param] * len(names))
                sql = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({marks})'
            found = (sql, defaults)
            self._sql[key] = found
        sql, defaults = found
        cursor = self.db.cursor()
        if defaults:
            rows = [tuple(row) + defaults for row in rows]
        elif not isinstance(rows, list):
            rows = list(rows)
        if self._copy:
            with cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start:start + BATCH])
        self.counts[model._meta.table_name] += len(rows)
        return len(rows)

    def fix_sequences(self) -> None:
        """PostgreSQL: move each id sequence past the ids written explicitly."""
        if not isinstance(self.db, PostgresqlDatabase):
            return
        for model in self._next:
            table = model._meta.table_name
            self.db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f"(SELECT MAX(id) FROM \"{table}\"))")


class Calendar:
    """The build's "now", the office's days, and office-local times as naive UTC.

    Times are made as a local day's start (``clock.day_bounds_utc``) plus minutes, so a
    zone with daylight saving would still get its midnights right.
    """

    DAYS = 730

    def __init__(self, tz: str) -> None:
        self.tz = tz
        self.now = clock.now_utc().replace(microsecond=0)
        self.today = clock.today_local(tz)
        self.first_day = self.today - dt.timedelta(days=self.DAYS - 1)
        self.offset = clock.local(self.now, tz).utcoffset() or ZERO
        self.days = [self.first_day + dt.timedelta(days=i) for i in range(self.DAYS)]
        self.yesterday = self.today - dt.timedelta(days=1)
        self.start = lru_cache(maxsize=None)(self._start)

    def _start(self, day: dt.date) -> dt.datetime:
        return clock.day_bounds_utc(day, self.tz)[0]

    def at(self, day: dt.date, minute_of_day: float) -> dt.datetime:
        """``day`` at ``minute_of_day`` (8*60+30 is 08:30) office time, as naive UTC."""
        return self.start(day) + minutes(minute_of_day)

    def hm(self, day: dt.date, text: str) -> dt.datetime:
        hours, mins = text.split(":")
        return self.at(day, int(hours) * 60 + int(mins))

    def local_date(self, moment: dt.datetime) -> dt.date:
        return (moment + self.offset).date()

    def local_minute(self, moment: dt.datetime) -> float:
        shifted = moment + self.offset
        return shifted.hour * 60 + shifted.minute + shifted.second / 60

    def period(self, moment: dt.datetime) -> str:
        """The office-local month of ``moment``: ``2026-11``."""
        return self.local_date(moment).strftime("%Y-%m")

    def months(self) -> list[tuple[int, int]]:
        """The calendar months the history touches, oldest first, this month last."""
        out: list[tuple[int, int]] = []
        year, month = self.first_day.year, self.first_day.month
        while (year, month) <= (self.today.year, self.today.month):
            out.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def clamp(self, moment: dt.datetime, *, before: dt.timedelta = ZERO) -> dt.datetime:
        """Never later than now (less ``before``)."""
        limit = self.now - before
        return moment if moment <= limit else limit

    def summer(self, day: dt.date, summer_start: str = "05-01",
               winter_start: str = "10-01") -> bool:
        key = day.strftime("%m-%d")
        return summer_start <= key < winter_start


class Roster:
    """Who is on the desk each day: both clerks and the supervisor on weekdays, one clerk
    at weekends (alternate weeks), a few days of leave a year each. Today the demo clerk
    is on duty whatever the rota says (the demo opens signed in as her)."""

    def __init__(self, cal: Calendar, clerks: tuple[int, int], supervisor: int,
                 rng: random.Random) -> None:
        self.cal = cal
        self.clerks = clerks
        self.supervisor = supervisor
        self.leave: set[tuple[int, dt.date]] = set()
        people = (*clerks, supervisor)
        for person in people:
            for _ in range(16):  # about eight days a year each
                day = cal.days[rng.randrange(len(cal.days) - 2)]
                if person in clerks:
                    other = clerks[1] if person == clerks[0] else clerks[0]
                    if (other, day) in self.leave or not self.scheduled(day, other):
                        continue
                self.leave.add((person, day))
        self._cache: dict[dt.date, tuple[int, ...]] = {}

    def scheduled(self, day: dt.date, person: int) -> bool:
        """Whether the rota puts ``person`` on the desk that day (leave aside)."""
        if day.weekday() < 5:
            return True
        if person == self.supervisor:
            return False
        week = day.isocalendar()[1]
        return person == self.clerks[week % 2]

    def clerks_on(self, day: dt.date) -> tuple[int, ...]:
        """The clerks on the desk that day (today: the demo clerk alone)."""
        if day == self.cal.today:
            return (self.clerks[0],)
        found = self._cache.get(day)
        if found is None:
            found = tuple(c for c in self.clerks
                          if self.scheduled(day, c) and (c, day) not in self.leave)
            self._cache[day] = found
        return found

    def supervisor_on(self, day: dt.date) -> bool:
        return (day.weekday() < 5 and (self.supervisor, day) not in self.leave
                and day != self.cal.today)

    def desk_on(self, day: dt.date) -> tuple[int, ...]:
        """Everyone at the desk that day: the clerks, and the supervisor on weekdays."""
        people = self.clerks_on(day)
        return people + (self.supervisor,) if self.supervisor_on(day) else people


Progress = Callable[[str], None]
