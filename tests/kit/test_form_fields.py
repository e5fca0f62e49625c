"""The kit's fields in a bare ``DeskForm`` (no database: everything here is settled before
any duty is asked): a field refused while empty clears its error once it is filled,
whatever its kind; a select chosen in a burst of keys behind the key fence."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from textual import events
from textual.app import App

from deskterm.screens.kit.fields import Field
from deskterm.screens.kit.form import DeskForm
from deskterm.screens.kit.keys import KeyFence
from tests.desk_app import wait_until
from tests.pilot_keys import burst

SESSION = SimpleNamespace(office=None, staff=None, tz="UTC")


class Form(DeskForm):
    PREFIX = "t"
    FIELDS = (
        Field("name", "Name", required="Type a name.", max_length=20),
        Field("kind", "Kind", kind="select", blank="choose", options=(("one", 1), ("two", 2)),
              required="Choose a kind."),
        Field("notes", "Notes", required="Write the notes.", max_length=20),
    )


class Host(App):
    def __init__(self, form: DeskForm) -> None:
        super().__init__()
        self.form = form

    def on_mount(self) -> None:
        self.push_screen(self.form)


def said(form: DeskForm, name: str) -> str:
    return str(form.query_one(f"#t-error-{name}").content)


async def opened(pilot, form: DeskForm) -> None:
    await wait_until(pilot, lambda: form.is_mounted and form.is_loaded)


@pytest.mark.parametrize(("name", "value"), [("name", "张三"), ("kind", 2), ("notes", "漏水")])
async def test_a_field_refused_while_empty_clears_once_filled(name, value):
    form = Form(SESSION)
    async with Host(form).run_test() as pilot:
        await opened(pilot, form)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: said(form, name) != "")
        assert said(form, "kind") == "✗ Choose a kind."
        form.set_value(name, value)
        await wait_until(pilot, lambda: said(form, name) == "")
        assert form.value(name) == value


class LongForm(Form):
    SCROLLS = True  # the form scrolls at 80×24; its box takes no Tab stop


async def test_a_scrolling_form_tabs_from_field_to_field():
    form = LongForm(SESSION)
    async with Host(form).run_test(size=(80, 24)) as pilot:
        await opened(pilot, form)
        seen = [form.focused.id]
        for _step in range(3):
            before = form.focused
            await pilot.press("tab")
            await wait_until(pilot, lambda: form.focused is not before)  # noqa: B023
            seen.append(form.focused.id)
        assert seen == ["t-name", "t-kind", "t-notes", "t-name"]
        assert not form.query_one("#t-form").can_focus


class FencedHost(Host):
    """A bare app behind the desk's key fence, as ``DeskApp`` is."""

    def __init__(self, form: DeskForm) -> None:
        super().__init__(form)
        self.key_fence = KeyFence(self, lambda event: App.on_event(self, event))

    async def on_event(self, event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.key_fence.take(event)
            return
        await super().on_event(event)


async def test_a_choice_made_in_a_burst_lands_as_typed_slowly():
    """A select opens and closes its list with ``Widget.focus()``, which moves the focus
    only after the keys already queued: the fence runs what a key left for the app to do
    before it takes the next key, so "Tab Enter Down Enter Tab x" typed ahead chooses the
    first kind and types x in the notes, as typed slowly."""
    keys = ["a", "tab", "enter", "down", "enter", "tab", "x"]
    seen = []
    for fast in (False, True):
        form = Form(SESSION)
        async with FencedHost(form).run_test(size=(80, 24)) as pilot:
            await opened(pilot, form)
            if fast:
                await burst(pilot, *keys)
            else:
                await pilot.press(*keys)
            await wait_until(pilot, lambda: form.value("notes") == "x")  # noqa: B023
            seen.append((form.values(), form.focused.id))
    assert seen[0] == seen[1] == ({"name": "a", "kind": 1, "notes": "x"}, "t-notes")
