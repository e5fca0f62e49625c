"""``python -m deskterm`` is the ``deskterm`` command."""

from deskterm.cli import main

raise SystemExit(main())
