"""What the shift's screens share on top of the kit.

- ``FocusPanel``: a read-only panel that holds the focus, so a screen's letter keys work.
"""

from __future__ import annotations

from textual.widgets import Static


class FocusPanel(Static, can_focus=True):
    """A read-only panel that can hold the focus, so the screen's letter keys reach it."""
