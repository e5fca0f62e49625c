"""A paste is inserted once, in every kind of text field the desk has (Textual calls
every class's ``_on_paste`` in turn: an override that also called the parent's inserted
each paste twice, "19974680704" pasted became "1997468070419974680704"), and a paste too
long for a field is refused aloud at that field."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from deskterm.screens.kit.inputs import MonthInput, PinInput, TextInput
from tests.desk_app import wait_until
from tests.pilot_keys import paste


class _Screenful(App):
    def __init__(self, box) -> None:
        super().__init__()
        self.box = box
        self.refused: list[int] = []

    def compose(self) -> ComposeResult:
        yield self.box

    def on_text_input_paste_refused(self, event: TextInput.PasteRefused) -> None:
        self.refused.append(event.length)


@pytest.mark.parametrize("make, text, expected", [
    (lambda: TextInput(max_length=60), "199 7468 0704", "199 7468 0704"),
    (lambda: TextInput(), "漏水 3-2-501", "漏水 3-2-501"),
    (lambda: MonthInput(max_length=7), "2026-11", "2026-11"),
    (lambda: PinInput(), "4321", "4321"),
], ids=["text", "text-cjk", "month", "pin"])
async def test_a_paste_lands_once(make, text, expected):
    app = _Screenful(make())
    async with app.run_test() as pilot:
        app.box.focus()
        await wait_until(pilot, lambda: app.focused is app.box)
        await paste(pilot, app.box, text)
        await wait_until(pilot, lambda: app.box.value != "")
        await pilot.pause()
        assert app.box.value == expected


async def test_a_paste_longer_than_the_field_is_refused_aloud():
    app = _Screenful(TextInput(max_length=10))
    async with app.run_test() as pilot:
        app.box.focus()
        await wait_until(pilot, lambda: app.focused is app.box)
        await paste(pilot, app.box, "x" * 11)
        await wait_until(pilot, lambda: app.refused)
        assert app.refused == [11]
        assert app.box.value == ""
