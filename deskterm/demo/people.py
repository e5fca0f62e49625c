"""Who works at the demo office, and its name: small on purpose, so that opening the
demo does not import the whole builder."""

from __future__ import annotations

OFFICE_NAME = "非凡物业翠湖花园管理处"

#: Who works at the demo office: (name, role, PIN). The README prints this.
DEMO_STAFF: tuple[tuple[str, str, str], ...] = (
    ("李静", "clerk", "1234"),
    ("陈晓燕", "clerk", "2345"),
    ("刘芳", "supervisor", "3456"),
    ("赵建国", "manager", "4567"),
    ("孙大伟", "night", "5678"),
    ("张强", "technician", "6001"),
    ("王建军", "technician", "6002"),
    ("周海", "technician", "6003"),
    ("吴刚", "technician", "6004"),
    ("黄敏", "cs_supervisor", "7001"),
    ("林涛", "cs_supervisor", "7002"),
    ("郑雪", "cs_supervisor", "7003"),
)
DEMO_CLERK = "李静"
