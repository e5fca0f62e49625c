"""The dashboard's keys line: what Textual's compact ``Footer`` shows ("f2Call f3Pay …"),
drawn by one widget.

Textual's footer is a container of one widget per key, composed only once the screen's
bindings are known, so it came one frame after the rest of the dashboard, and its ten
keys' styles were a good part of the first frame's CSS work (issue #15, the start-up
profile). This line shows the same keys in the same colours from the screen's active
bindings (those with ``show``), is drawn with the dashboard's first frame, and is redrawn
only when the keys it shows change. A click on a key presses it, as on the footer.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Static


class KeysLine(Static):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keys-line--key", "keys-line--description"}
    DEFAULT_CSS = """
    KeysLine {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        overflow: hidden;
        & > .keys-line--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keys-line--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self._shown: tuple = ()
        self._spans: list[tuple[int, int, str]] = []  # (first cell, end, key)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.show_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen) -> None:
        self.show_keys()

    def keys(self) -> tuple[tuple[str, str, str, bool], ...]:
        """(key, as shown, description, enabled) of each key the footer would show, once
        per action."""
        seen: set[str] = set()
        out = []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            out.append((binding.key, self.app.get_key_display(binding), binding.description,
                        enabled))
        return tuple(out)

    def show_keys(self) -> None:
        keys = self.keys()
        if keys == self._shown:
            return
        self._shown = keys
        key_style = self.get_component_rich_style("keys-line--key")
        description_style = self.get_component_rich_style("keys-line--description")
        text = Text(no_wrap=True, end="")
        self._spans = []
        for key, shown, description, enabled in keys:
            if text:
                text.append(" ")
            start = text.cell_len
            part = Text.assemble((shown, key_style), (description, description_style))
            if not enabled:
                part.stylize("dim")
            text.append_text(part)
            self._spans.append((start, text.cell_len, key))
        self.update(text)

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
