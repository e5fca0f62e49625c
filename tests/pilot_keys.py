"""Shared Pilot helpers for the forms: keys sent in a burst (as a fast typist or a laggy
SSH link delivers them: every key queued before the first is handled), and a paste.

``pilot.press`` waits for the app to be idle after every key, so it never shows what a
burst does; ``burst`` hands all the keys to the driver at once and then waits.
"""

from __future__ import annotations

import unicodedata

from textual import events
from textual._wait import wait_for_idle
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key


def key_event(key: str) -> events.Key:
    """The event ``pilot.press(key)`` sends (Textual's ``App._press_keys``)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def burst(pilot, *keys: str) -> None:
    """Queue every key before any is handled, then wait until the app is idle."""
    app = pilot.app
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app._driver.send_message(event)  # noqa: SLF001 - what the driver does with input
    await wait_for_idle(0)
    await pilot.pause()
    await pilot.pause()


def typed(text: str) -> list[str]:
    """The keys that type ``text``."""
    return list(text)


async def paste(pilot, widget, text: str) -> None:
    """A bracketed paste into ``widget`` (which has the focus)."""
    widget.post_message(events.Paste(text))
    await pilot.pause()
