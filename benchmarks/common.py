"""What the benchmarks share: the demo databases, a pseudo-terminal to run an app in,
statistics and the table/JSON output.

Every app is launched the same way: a child of this process on the slave side of a
fresh pty of 80x24 (``TERM=xterm-256color``, the pty its controlling terminal, an
empty config folder so a personal ``config.toml`` cannot change what is measured),
with ``DESKTERM_READY_FILE`` telling it where to write ``time.time()`` once its first
full frame is on screen. A thread drains the pty master all the time, so the app never
blocks on a full terminal buffer, and counts every byte with the time it arrived.

No timing is asserted anywhere: the scripts print figures and ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
CACHE = Path(os.environ.get("DESKTERM_BENCH_CACHE", "/tmp/deskterm-bench"))
DEFAULT_SIZES = (1_000, 100_000, 1_000_000)
COLUMNS, ROWS = 80, 24
PYCACHE = CACHE / "pycache"  # PYTHONPYCACHEPREFIX of every launched interpreter
READY_TIMEOUT = 120.0  # seconds: a launch that shows nothing by then is a failure


# --- command line ------------------------------------------------------------------------

def sizes_arg(text: str) -> list[int]:
    """``"1000,100k,1M"`` -> ``[1000, 100000, 1000000]``."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        scale = 1
        if part.endswith("k"):
            part, scale = part[:-1], 1_000
        elif part.endswith("m"):
            part, scale = part[:-1], 1_000_000
        sizes.append(int(float(part) * scale))
    if not sizes:
        raise argparse.ArgumentTypeError("no sizes given")
    return sizes


def parser(description: str, *, sizes: Sequence[int] = DEFAULT_SIZES,
           runs: int | None = None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--sizes", type=sizes_arg, default=list(sizes),
                   help="demo databases by repair orders, e.g. 1000,100k,1M "
                        f"(default {','.join(str(s) for s in sizes)})")
    if runs is not None:
        p.add_argument("--runs", type=int, default=runs, help=f"repetitions (default {runs})")
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--cache", type=Path, default=CACHE,
                   help=f"where the demo databases are kept (default {CACHE})")
    return p


def label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


# --- the demo databases --------------------------------------------------------------------

def deskterm_command() -> list[str]:
    """The ``deskterm`` console script of this interpreter's environment."""
    script = BIN / "deskterm"
    if script.exists():
        return [str(script)]
    found = shutil.which("deskterm")
    if found:
        return [found]
    return [PYTHON, "-m", "deskterm"]


def demo_path(cache: Path, size: int) -> Path:
    return cache / f"demo-{label(size)}.db"


def _demo_once(size: int, path: Path) -> tuple[bool, float, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        [*deskterm_command(), "demo", "--no-open", "--orders", str(size), "--db", str(path)],
        env=app_env(None), cwd=REPO, capture_output=True, text=True,
    )
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"deskterm demo --orders {size} failed ({proc.returncode}):\n"
                         f"{proc.stderr.strip()}")
    return "Building" in proc.stderr, took, proc.stderr.strip()


def ensure_demo(size: int, cache: Path = CACHE, *, quiet: bool = False) -> tuple[Path, float]:
    """Build the demo office of ``size`` orders into the cache (or reuse it when it is
    complete and was built today, which ``deskterm demo`` decides); return its path and
    the seconds the call took (a few tenths when reused, minutes for 1M when built).

    When it was built, it is asked for once more: a demo that ``deskterm demo`` rebuilds
    every time would be rebuilt by every timed launch of the desk too, and the figures
    would measure the builder, so that stops the benchmark with an explanation."""
    cache.mkdir(parents=True, exist_ok=True)
    path = demo_path(cache, size)
    built, took, said = _demo_once(size, path)
    if built:
        if not quiet:
            print(f"  [{label(size)}] built {path} in {took:.1f} s", file=sys.stderr)
        again, took_again, _ = _demo_once(size, path)
        if again:
            raise SystemExit(
                f"deskterm demo rebuilt {path} a second time in a row ({took_again:.1f} s): "
                "it does not recognise its own demo as built today (deskterm/demo/sandbox.py "
                "_fresh), so every `deskterm demo --db` launch would rebuild it and the "
                "startup figures would time the builder. Fix that first.")
    return path, took


# --- environment ---------------------------------------------------------------------------

_CONFIG_HOME = None


def app_env(ready_file: str | None) -> dict[str, str]:
    """The environment every launched app gets: the parent's, minus what would change the
    measurement (a frozen clock, DESKTERM_* settings, a forced size, Textual dev mode)."""
    global _CONFIG_HOME
    if _CONFIG_HOME is None:
        _CONFIG_HOME = tempfile.mkdtemp(prefix="deskterm-bench-config-")
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("DESKTERM_", "TEXTUAL")) and k not in ("COLUMNS", "LINES")
    }
    env.update(TERM="xterm-256color", COLORTERM="truecolor", XDG_CONFIG_HOME=_CONFIG_HOME,
               LANG="C.UTF-8", PYTHONUNBUFFERED="1", PYTHONPYCACHEPREFIX=str(PYCACHE))
    # A clerk's installed desk imports compiled bytecode; PYTHONDONTWRITEBYTECODE (set in
    # some shells and CI) would make every launch compile deskterm's sources again
    # (~50 modules, ~100 ms). The bytecode goes to a cache of its own, not into the repo.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("LC_ALL", None)
    env.pop("LC_MESSAGES", None)
    if ready_file:
        env["DESKTERM_READY_FILE"] = ready_file
    return env


# --- an app in a pseudo-terminal -------------------------------------------------------------

def _set_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def _controlling_tty() -> None:  # runs in the child, after setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@dataclass
class PtyApp:
    """One app running on a pty; ``bytes_between`` counts what it wrote to the terminal."""

    argv: list[str]
    name: str = ""
    columns: int = COLUMNS
    rows: int = ROWS
    proc: subprocess.Popen | None = None
    spawned: float = 0.0  # time.time() just before the spawn
    ready_at: float | None = None  # the ready file's timestamp
    first_byte: float | None = None
    chunks: list[tuple[float, int]] = field(default_factory=list)  # (time.time(), bytes)
    _last: bytearray = field(default_factory=bytearray)  # the last 16 KB written, for errors
    _master: int = -1
    _ready_file: str = ""
    _reader: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> PtyApp:
        master, slave = os.openpty()
        _set_size(slave, self.columns, self.rows)
        handle, self._ready_file = tempfile.mkstemp(prefix="deskterm-ready-")
        os.close(handle)
        os.unlink(self._ready_file)  # the app creates it: its existence means "ready"
        env = app_env(self._ready_file)
        self.spawned = time.time()
        self.proc = subprocess.Popen(
            self.argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=REPO,
            start_new_session=True, preexec_fn=_controlling_tty, close_fds=True,
        )
        os.close(slave)
        self._master = master
        self._reader = threading.Thread(target=self._drain, name=f"drain {self.name}",
                                        daemon=True)
        self._reader.start()
        return self

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:  # EIO: every slave end closed, the app is gone
                return
            if not data:
                return
            now = time.time()
            with self._lock:
                if self.first_byte is None:
                    self.first_byte = now
                self.chunks.append((now, len(data)))
                self._last += data
                del self._last[:-16384]

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> float:
        """Seconds from the spawn to the ready file's timestamp."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before "
                                   f"it was ready; its screen:\n{self.tail()}")
            try:
                text = Path(self._ready_file).read_text().strip()
            except FileNotFoundError:
                text = ""
            if text:
                self.ready_at = float(text)
                return self.ready_at - self.spawned
            time.sleep(0.005)
        raise RuntimeError(f"{self.name} was not ready after {timeout:.0f} s")

    def bytes_between(self, start: float, end: float) -> int:
        with self._lock:
            return sum(n for t, n in self.chunks if start <= t < end)

    def chunks_between(self, start: float, end: float) -> list[tuple[float, int]]:
        with self._lock:
            return [(t, n) for t, n in self.chunks if start <= t < end]

    def cpu_seconds(self) -> float:
        """utime + stime of the process, all its threads (``/proc/PID/stat``)."""
        return cpu_seconds(self.proc.pid)

    def tail(self, lines: int = 25) -> str:
        """The last lines written, escape codes removed (a traceback, an error message)."""
        import re

        with self._lock:
            text = bytes(self._last).decode("utf-8", "replace")
        text = re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]P_^][^\x07\x1b]*(\x07|\x1b\\)?|\x1b.", "",
                      text)
        kept = [line.rstrip() for line in text.replace("\r", "\n").splitlines() if line.strip()]
        return "\n".join(kept[-lines:])

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 3 s; close the pty."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        if self._master >= 0:
            try:
                os.close(self._master)
            except OSError:
                pass
            self._master = -1
        if self._reader is not None:
            self._reader.join(1)
        try:
            os.unlink(self._ready_file)
        except FileNotFoundError:
            pass

    def __enter__(self) -> PtyApp:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        text = handle.read()
    # The command name (field 2) may hold spaces: split after its closing parenthesis.
    fields = text[text.rindex(")") + 2:].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of stat(5)
    return (utime + stime) / _TICKS


def desk_argv(db: Path) -> list[str]:
    """The desk as a clerk opens the demo: ``deskterm demo --db PATH`` (signed in)."""
    return [*deskterm_command(), "demo", "--db", str(db)]


def bare_argv() -> list[str]:
    """The baseline: a minimal Textual app, launched by the same interpreter."""
    return [PYTHON, str(HERE / "bare_app.py")]


# --- figures ---------------------------------------------------------------------------------

def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: Sequence[float]) -> tuple[float, float]:
    return (min(values), max(values)) if values else (float("nan"), float("nan"))


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table, numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    right = [all(_numeric(row[i]) for row in rows) if rows else False
             for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        parts = [c.rjust(w) if right[i] else c.ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _numeric(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cell(value: object) -> str:
    if isinstance(value, float):
        if value != value:
            return "-"
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    import platform

    try:
        import textual
        textual_version = textual.__version__
    except Exception:  # noqa: BLE001
        textual_version = "?"
    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "textual": textual_version,
        "platform": platform.platform(),
        "loadavg": [round(x, 2) for x in load],
    }


def write_json(path: str | None, payload: dict) -> None:
    if not path:
        return
    payload = {"machine": machine(), **payload}
    Path(path).write_text(json.dumps(payload, indent=2, default=str) + "\n")
