"""The roster lookup at the top of the call-intake form: type, see matching owners, Enter.

What is typed is looked up ``DEBOUNCE`` seconds after the last key, by
``roster.find_owners`` in an exclusive thread worker (a newer query cancels an older one,
and a late answer for old text is dropped). Up and Down move through the matches while
the cursor stays in the box, so the clerk can keep typing; Enter picks the highlighted
one (``Picked``). Enter pressed before the answer has come picks the best match as soon
as it comes, and the keys typed after that Enter wait for the pick (the app's key fence,
``kit/keys.py``), so that they land where the pick leads as they do when typed slowly. Enter with no match (or nothing typed) posts ``Unmatched`` with the text:
an unknown caller, whom the form lets the clerk type in.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from deskterm.display import fit, plain
from deskterm.duties.parsing import format_phone
from deskterm.duties.residents.roster import MAX_QUERY, OwnerHit, find_owners, normalise
from deskterm.i18n import _
from deskterm.screens.kit.duty import run_duty
from deskterm.screens.kit.inputs import TextInput

DEBOUNCE = 0.15
LIMIT = 8


def hit_label(hit: OwnerHit, width: int = 70) -> str:
    """``3-2-501  张三  138 1234 5678, 027-8765 4321  · moved out``."""
    phones = ", ".join(format_phone(p) for p in hit.phones) or _("no phone")
    text = f"{hit.unit_code:<10} {fit(hit.name, 12)}  {phones}"
    if hit.kind == "tenant":
        text += "  · " + _("tenant")
    if not hit.active:
        text += "  · " + _("moved out")
    return fit(text, width)


class OwnerLookup(Vertical):
    """An Input and the matches under it (the list itself never takes the focus)."""

    DEFAULT_CSS = """
    OwnerLookup { height: auto; margin-bottom: 1; }
    OwnerLookup > #lookup-hits { height: auto; max-height: 5; display: none; }
    OwnerLookup > #lookup-status { display: none; }
    /* The match Enter will pick: bold as well as coloured, so it shows in 16 colours
       while the cursor stays in the lookup box (the list never takes the focus). */
    OwnerLookup > #lookup-hits > .option-list--option-highlighted { text-style: bold reverse; }
    """
    BINDINGS = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    class Picked(Message):
        """``held``: the lookup kept the keys typed after Enter; whoever handles the pick
        calls ``release_keys()`` once the cursor is where the pick leads."""

        held = False

        def __init__(self, hit: OwnerHit) -> None:
            super().__init__()
            self.hit = hit

    class Unmatched(Message):
        held = False

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, office, **kwargs) -> None:
        super().__init__(**kwargs)
        self.office = office
        self.hits: list[OwnerHit] = []
        self._shown_for: str | None = None  # the normalised text the hits answer
        self._timer: Timer | None = None
        self._pick_when_ready = False

    def compose(self) -> ComposeResult:
        yield TextInput(id="lookup-input", compact=True, max_length=MAX_QUERY,
                    placeholder=_("unit 3-2-501, phone digits, name or initials (zs)"))
        options = OptionList(id="lookup-hits", compact=True)
        options.can_focus = False
        yield options
        yield Static(plain(""), id="lookup-status", classes="form-hint", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one("#lookup-input", Input)

    def _wanted(self) -> str:
        return normalise(self.input.value)

    # --- searching -----------------------------------------------------------------------
    @on(Input.Changed, "#lookup-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._pick_when_ready = False
        if not self._wanted():
            self._show("", [])
            return
        self._timer = self.set_timer(DEBOUNCE, self._search_now)

    def _search_now(self) -> None:
        self._timer = None
        self._search(self._wanted())

    def _search(self, query: str) -> None:
        run_duty(self, lambda: find_owners(self.office, query, limit=LIMIT),
                 done=lambda hits: self._show(query, hits),
                 refused=lambda _field, message: self._failed(query, message),
                 group="owner-lookup", load=True)

    def _failed(self, query: str, message: str) -> None:
        """The roster could not be read: said under the box; Enter tries again, and the
        clerk can always type the caller's details by hand."""
        if query != self._wanted():
            return
        self._shown_for = None
        shown = self.query_one("#lookup-status", Static)
        shown.update(plain(message))
        shown.display = True
        if self._pick_when_ready:  # Enter was pressed: the clerk types the caller in
            self._pick_when_ready = False
            message = self.Unmatched(self.input.value)
            message.held, self._holding = self._holding, False
            self.post_message(message)

    def _show(self, query: str, hits: list[OwnerHit]) -> None:
        if query != self._wanted():
            return  # an answer to text since changed
        self._shown_for = query
        self.hits = hits
        options = self.query_one("#lookup-hits", OptionList)
        options.clear_options()
        options.add_options([Option(plain(hit_label(h)), id=str(h.owner_id)) for h in hits])
        options.display = bool(hits)
        if hits:
            options.highlighted = 0
        status = ""
        if query and not hits:
            status = _("Not on the roster: Enter, then type the caller's details.")
        shown = self.query_one("#lookup-status", Static)
        shown.update(plain(status))
        shown.display = bool(status)
        if self._pick_when_ready:
            self._pick_when_ready = False
            self._pick()

    # --- choosing ------------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        options = self.query_one("#lookup-hits", OptionList)
        if not self.hits:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(len(self.hits) - 1, current + step))

    @on(Input.Submitted, "#lookup-input")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        wanted = self._wanted()
        if wanted and wanted != self._shown_for:  # typed faster than the lookup
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            self._pick_when_ready = True
            fence = getattr(self.app, "key_fence", None)
            if fence is not None and not self._holding:  # the keys after Enter belong
                fence.hold(self.screen)                 # where the pick leads
                self._holding = True
            self._search(wanted)
            return
        self._pick()

    _holding = False

    def _pick(self) -> None:
        options = self.query_one("#lookup-hits", OptionList)
        if self.hits and options.highlighted is not None:
            message = self.Picked(self.hits[options.highlighted])
        else:
            message = self.Unmatched(self.input.value)
        message.held, self._holding = self._holding, False
        self.post_message(message)

    def release_keys(self, message) -> None:
        """The pick's handler is done: the keys kept since Enter go on (if any were)."""
        fence = getattr(self.app, "key_fence", None)
        if message.held and fence is not None:
            fence.release(self.screen)
