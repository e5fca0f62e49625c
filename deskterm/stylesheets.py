"""The desk's stylesheets: what the first frame reads, what waits, and parsing each once.

Textual parses every stylesheet it holds at start-up, and again from scratch whenever a
screen with a stylesheet of its own is shown the first time (``Stylesheet.reparse`` builds
a fresh stylesheet without the parsed rules it already had). Measured on the dashboard's
first frame (issue #15): tokenising CSS was the largest single cost of Textual's own work,
and every first open of a form or a book paid a whole parse again. So:

- ``FIRST_FRAME`` is what the dashboard needs; ``LATER`` (the forms' and the screen kit's
  rules) is read when the first other screen is shown or built ahead (``DeskApp``'s
  ``_load_screen_css``), after the first frame.
- ``DeskStylesheet.reparse`` parses only sources it has not parsed with the same
  variables: parsed rules are kept by source (Textual's own cache, made large enough to
  hold every source of the desk), and a theme's new variables clear them, as in Textual.
"""

from __future__ import annotations

from pathlib import Path

from textual.cache import LRUCache
from textual.css.stylesheet import Stylesheet

import deskterm.styles

#: The folder of the .tcss files (a package of its own, ``deskterm.styles``; its path
#: without importlib.resources, whose import the launch would pay for this alone).
STYLES = Path(deskterm.styles.__file__).parent

FIRST_FRAME = [str(STYLES / "base.tcss"), str(STYLES / "dashboard.tcss")]
LATER = (str(STYLES / "forms.tcss"), str(STYLES / "kit.tcss"))

#: Parsed sources kept: every widget's DEFAULT_CSS and every screen's stylesheet is one
#: (the desk has ~150); Textual keeps 64, so a reparse would evict and parse again.
KEPT = 1024


class DeskStylesheet(Stylesheet):
    """Textual's stylesheet, but a reparse parses only what changed."""

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._parse_cache = LRUCache(KEPT)

    def reparse(self) -> None:
        """Every source's rules again, from the parsed ones where the source and the
        variables are unchanged (``set_variables`` clears them). Like Textual's, it
        raises on invalid CSS and then leaves the rules as they were."""
        self.parse()
