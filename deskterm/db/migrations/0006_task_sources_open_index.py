"""Tasks (issue #13): the open ones found by their index.

``task (office_id, done_at, due_at)``: the office's open tasks (``done_at IS NULL``) in
the order they fall due, and those done in a day, without walking every task the office
ever had; the handover, the tasks book, the timeline's carried-over tasks and the daily
work record read them. A task's ``source`` gains "manager" and "call" (a CharField: no
column changes).
"""

from playhouse.migrate import migrate


def up(migrator, db):
    migrate(migrator.add_index("task", ("office_id", "done_at", "due_at"), False))
