"""What the shift's screens share on top of the kit.

- ``open_for(app, cls, *args)``: ``kit.opening.open_screen`` for a screen class that takes
  the session first, with the class's ``ROLES``;
- ``FocusPanel``: a read-only panel that holds the focus, so a screen's letter keys work.
"""

from __future__ import annotations

from textual.widgets import Static

from deskterm.screens.kit.opening import open_screen


def open_for(app, cls, *args, **kwargs):
    """Open ``cls(app.session, *args)`` for the person at the desk if ``cls.ROLES`` lets
    them (see ``kit.opening``); the screen, or None."""
    return open_screen(app, lambda: cls(app.session, *args, **kwargs), roles=cls.ROLES)


class FocusPanel(Static, can_focus=True):
    """A read-only panel that can hold the focus, so the screen's letter keys reach it."""
