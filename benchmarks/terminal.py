"""The desk (or the bare app) in a pty, its output fed to a terminal emulator (pyte), so a
benchmark reads what the clerk's terminal shows: ``Terminal`` keeps every byte the app
writes and when; ``Screen`` is the emulated 80x24 screen, ``wait_for(words)`` the seconds
to the last byte of the first whole frame (quiet for ``QUIET`` after) holding them all.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from common import PtyApp

QUIET = 0.06  # seconds without output after which a frame is whole
TIMEOUT = 10.0
ESC = "\x1b"


@dataclass
class Terminal(PtyApp):
    """The desk on a pty, its output fed to an emulated 80x24 screen."""

    raw: bytearray = field(default_factory=bytearray)
    fed: int = 0

    def _drain(self) -> None:  # as PtyApp's, keeping every byte for the emulator
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:
                return
            if not data:
                return
            now = time.time()
            with self._lock:
                if self.first_byte is None:
                    self.first_byte = now
                self.chunks.append((now, len(data)))
                self.raw += data
            self.received()

    def received(self) -> None:
        """After each read from the pty (in the reader thread): a subclass may answer."""

    def send(self, text: str) -> float:
        moment = time.time()
        os.write(self._master, text.encode())
        return moment

    def last_output(self) -> float:
        with self._lock:
            return self.chunks[-1][0] if self.chunks else 0.0


class Screen:
    """pyte's screen, fed from the terminal's bytes as they come."""

    def __init__(self, term: Terminal) -> None:
        import pyte

        self.term = term
        self.screen = pyte.Screen(term.columns, term.rows)
        self.stream = pyte.ByteStream(self.screen)

    def text(self) -> str:
        with self.term._lock:
            data = bytes(self.term.raw[self.term.fed:])
            self.term.fed = len(self.term.raw)
        if data:
            self.stream.feed(data)
        buffer, columns = self.screen.buffer, self.screen.columns
        # pyte's own ``display`` fails on the empty cell behind a wide (CJK) character
        return "\n".join("".join(buffer[y][x].data for x in range(columns))
                         for y in range(self.screen.lines))

    def wait_for(self, words: tuple[str, ...], since: float) -> float:
        """Seconds from ``since`` to the last byte of the first whole frame showing every
        one of ``words``."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if all(word in self.text() for word in words):
                while time.time() - self.term.last_output() < QUIET:
                    time.sleep(0.005)
                    self.text()
                if all(word in self.text() for word in words):
                    return self.term.last_output() - since
            time.sleep(0.002)
        raise RuntimeError(f"{words} not on screen after {TIMEOUT:.0f} s:\n{self.text()}")

    def wait_gone(self, word: str) -> None:
        """Until ``word`` has left the screen (the screen that showed it closed)."""
        deadline = time.monotonic() + TIMEOUT
        while word in self.text():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{word!r} still on screen after {TIMEOUT:.0f} s")
            time.sleep(0.005)
