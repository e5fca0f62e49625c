"""Fakes of the printers around the desk, all on 127.0.0.1 or on this machine:

- ``FakePrinter``: an ESC/POS network printer, a socket server in a thread, on 9100 when
  free (else a free port); ``jobs`` holds what each connection sent, whole;
- ``silent_printer()``: a port on 127.0.0.1 that never answers a connection (its backlog
  full: the kernel drops the handshake, as a printer switched off behind a switch does);
- ``fake_lp(folder)``: an ``lp`` script that records its arguments and the file it got.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import threading
import time
from pathlib import Path


class FakePrinter:
    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.server.bind(("127.0.0.1", 9100))
        except OSError:
            self.server.bind(("127.0.0.1", 0))
        self.server.listen(5)
        self.port = self.server.getsockname()[1]
        self.jobs: list[bytes] = []
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.server.settimeout(0.1)
        while not self._stop:
            try:
                client, _address = self.server.accept()
            except (TimeoutError, OSError):
                continue
            chunks = []
            with client:
                client.settimeout(5)
                while True:
                    try:
                        chunk = client.recv(65536)
                    except OSError:
                        break
                    if not chunk:
                        break
                    chunks.append(chunk)
            self.jobs.append(b"".join(chunks))

    def wait_for(self, count: int, timeout: float = 10.0) -> list[bytes]:
        end = time.monotonic() + timeout
        while len(self.jobs) < count and time.monotonic() < end:
            time.sleep(0.02)
        return self.jobs

    def close(self) -> None:
        self._stop = True
        self.thread.join(2)
        self.server.close()


@contextlib.contextmanager
def fake_printer():
    printer = FakePrinter()
    try:
        yield printer
    finally:
        printer.close()


@contextlib.contextmanager
def silent_printer():
    """A port whose connections are never answered: listen(0), its one place taken."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    try:
        for _ in range(3):  # fill the accept queue (Linux keeps backlog + 1)
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError, OSError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.1)
        yield port
    finally:
        for filler in fillers:
            filler.close()
        server.close()


LP_SCRIPT = """#!/bin/sh
# a fake lp: its arguments one a line, and the file it was given (the last argument)
out="{out}"
for arg in "$@"; do printf '%s\\n' "$arg"; done > "$out/args"
for last in "$@"; do :; done
cp "$last" "$out/job"
{tail}
"""


def fake_lp(folder: Path, *, fails: bool = False) -> Path:
    """An ``lp`` in ``folder/bin`` (put it first on PATH); it records into ``folder``."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    tail = 'echo "lp: The printer or class does not exist." >&2; exit 1' if fails else (
        'echo "request id is Front-7 (1 file(s))"')
    script = bin_dir / "lp"
    script.write_text(LP_SCRIPT.format(out=folder, tail=tail))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return bin_dir


def path_with(bin_dir: Path) -> str:
    return f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
