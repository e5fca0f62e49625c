"""A lookup as you type: a box, the matches under it, Enter picks one.

For any list a duty can search: a subclass
says how the text is normalised (``normalise``), how the duty finds the matches (``find``,
run in a thread worker by ``run_duty``), how a match reads (``label``) and what is said
when nothing matches (``nothing_found``); ``prepare`` is work done before the first key.

What is typed is looked up at once, with no fixed delay: one search at a time, in a
worker; a key typed while one is on its way waits behind it, and only the newest such key
(each supersedes the one before), so a burst costs at most two searches and the last key
is answered within two searches' time. An answer for text since changed is dropped.
``OwnerLookup`` (``owner_lookup.py``, the roster at F2, F3, F7, F8) and the return form's
stock (``screens/repairs/materials.py``) are this lookup.
Up and Down move through the matches while the cursor stays in the box, so the clerk can
keep typing; Enter picks the highlighted one (``Picked``). Enter pressed before the
answer has come picks the best match as soon as it comes, and the keys typed after that
Enter wait for the pick (the app's key fence, ``kit/keys.py``), so they land where the
pick leads as they do when typed slowly: whoever handles ``Picked`` or ``Unmatched``
calls ``release_keys(message)`` once the cursor is there. Enter with no match (or
nothing typed) posts ``Unmatched`` with the text.

The box's ``Input.Changed`` goes on to the form (a form may name the box as one of its
fields) unless ``PASS_CHANGES`` is off; ``Input.Submitted`` stops here. ``FIELD_LOOK``:
the box is drawn as the kit's fields are (off where a screen styles it itself).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from deskterm.display import plain
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.inputs import TextInput


class Lookup(Vertical):
    """A box and the matches under it (the list itself never takes the focus)."""

    DEFAULT_CSS = """
    Lookup { height: auto; }
    /* The box shows as a field, as the kit's do (kit.tcss; its 16-colour rules win). */
    Lookup.-field-look > Input { background: $boost; }
    Lookup.-field-look > Input:focus { background: $primary 30%; text-style: bold; }
    Lookup > .lookup-hits { height: auto; max-height: 4; display: none; }
    Lookup > .lookup-status { display: none; }
    /* The match Enter will pick: bold as well as coloured, so it shows in 16 colours
       while the cursor stays in the box (the list never takes the focus). */
    Lookup > .lookup-hits > .option-list--option-highlighted { text-style: bold reverse; }
    """
    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]
    LIMIT = 8
    PASS_CHANGES = True  # the box's Input.Changed goes on to the form
    FIELD_LOOK = True  # the box drawn as the kit's fields

    class Picked(Message):
        """``held``: the lookup kept the keys typed after Enter (``release_keys``)."""

        held = False

        def __init__(self, hit: Any) -> None:
            super().__init__()
            self.hit = hit

    class Unmatched(Message):
        held = False

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, input_id: str, placeholder: str = "", max_length: int = 0,
                 hits_id: str | None = None, status_id: str | None = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if self.FIELD_LOOK:
            self.add_class("-field-look")
        self._input_id = input_id
        self._hits_id, self._status_id = hits_id, status_id
        self._placeholder = placeholder
        self._max_length = max_length
        self.hits: list = []
        self._shown_for: str | None = None  # the normalised text the hits answer
        self._searching: str | None = None  # the query on its way
        self._next: str | None = None  # the newest query typed meanwhile
        self._pick_when_ready = False
        self._holding = False

    # --- what a subclass says ------------------------------------------------------------
    def normalise(self, text: str) -> str:
        return " ".join(text.split())

    def find(self, query: str) -> list:
        """The matches of ``query`` (normalised), best first: in a worker."""
        raise NotImplementedError

    def label(self, hit: Any) -> str:
        raise NotImplementedError

    def nothing_found(self, query: str) -> str:
        """Said under the box when ``query`` matches nothing."""
        return ""

    def prepare(self) -> None:
        """What the lookup can work out before the first key (in a worker, at mount)."""

    def on_mount(self) -> None:
        if type(self).prepare is not Lookup.prepare:
            run_duty(self, self.prepare, group=f"lookup-{self._input_id}-prepare", load=True)

    # --- the parts ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TextInput(id=self._input_id, compact=True, max_length=self._max_length,
                        placeholder=self._placeholder)
        options = OptionList(compact=True, classes="lookup-hits", id=self._hits_id)
        options.can_focus = False
        yield options
        yield Static(plain(""), classes="lookup-status form-hint", markup=False,
                     id=self._status_id)

    @property
    def input(self) -> Input:
        return self.query_one(f"#{self._input_id}", Input)

    @property
    def options(self) -> OptionList:
        return self.query_one(".lookup-hits", OptionList)

    def say(self, text: str) -> None:
        """A line under the box ("" hides it)."""
        status = self.query_one(".lookup-status", Static)
        status.update(plain(text))
        status.display = bool(text)

    def hide_hits(self) -> None:
        self.options.display = False

    def _wanted(self) -> str:
        return self.normalise(self.input.value)

    # --- searching -----------------------------------------------------------------------
    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input is not self.input:
            return
        if not self.PASS_CHANGES:
            event.stop()
        self._pick_when_ready = False
        wanted = self._wanted()
        if not wanted:
            self._next = None
            self._show("", [])
            return
        self._search(wanted)

    def _search(self, query: str) -> None:
        """Look ``query`` up now, or behind the search on its way (superseding any query
        that waited there)."""
        if self._searching is not None:
            self._next = query if query != self._searching else None
            return
        self._searching = query
        run_duty(self, lambda: self.find(query),
                 done=lambda hits: self._answered(query, hits),
                 refused=lambda _field, message: self._answered(query, None, message),
                 group=f"lookup-{self._input_id}", load=True)

    def _answered(self, query: str, hits: list | None, message: str = "") -> None:
        self._searching = None
        waiting, self._next = self._next, None
        if waiting is not None:
            self._search(waiting)  # the newest text typed meanwhile
        if hits is None:
            self._failed(query, message)
        else:
            self._show(query, hits)

    def _failed(self, query: str, message: str) -> None:
        """The list could not be read: said under the box; Enter tries again."""
        if query != self._wanted():
            return
        self._shown_for = None
        self.say(message)
        if self._pick_when_ready:
            self._pick_when_ready = False
            self._post(self.Unmatched(self.input.value))

    def _show(self, query: str, hits: list) -> None:
        if query != self._wanted():
            return  # an answer to text since changed
        self._shown_for = query
        self.hits = hits
        options = self.options
        options.clear_options()
        options.add_options([Option(plain(self.label(hit)), id=str(index))
                             for index, hit in enumerate(hits)])
        options.display = bool(hits)
        if hits:
            options.highlighted = 0
        self.say(self.nothing_found(query) if query and not hits else "")
        if self._pick_when_ready:
            self._pick_when_ready = False
            self._pick()

    # --- choosing ------------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        if not self.hits:
            return
        options = self.options
        options.display = True
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(len(self.hits) - 1, current + step))

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        if event.input is not self.input:
            return
        event.stop()
        wanted = self._wanted()
        if wanted and wanted != self._shown_for:  # typed faster than the lookup
            self._pick_when_ready = True
            fence = getattr(self.app, "key_fence", None)
            if fence is not None and not self._holding:  # the keys after Enter belong
                fence.hold(self.screen)                 # where the pick leads
                self._holding = True
            self._search(wanted)
            return
        self._pick()

    def _pick(self) -> None:
        highlighted = self.options.highlighted
        if self.hits and self._wanted() and highlighted is not None:
            self._post(self.Picked(self.hits[highlighted]))
        else:
            self._post(self.Unmatched(self.input.value))

    def _post(self, message: Picked | Unmatched) -> None:
        message.held, self._holding = self._holding, False
        self.post_message(message)

    def release_keys(self, message: Picked | Unmatched) -> None:
        """The pick's handler is done: the keys kept since Enter go on (if any were)."""
        fence = getattr(self.app, "key_fence", None)
        if message.held and fence is not None:
            fence.release(self.screen)
