"""Sending bytes to a printer: a network ESC/POS printer (python-escpos's ``Network``), a
system queue (``lp``), or the clerk's terminal (ANSI printer controller mode). Each either
returns or raises ``PrinterFailed`` with what went wrong in the clerk's words, within
``TIMEOUT`` seconds (a printer that never answers included): never anything else.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from deskterm.i18n import _

#: Seconds a printer has to take the connection (and each piece of the printout).
TIMEOUT = 3.0
#: Seconds ``lp`` has to hand the file to the queue.
LP_TIMEOUT = 5.0
#: ANSI printer controller mode: what the terminal gets between these goes to its printer.
PRINTER_ON = b"\x1b[5i"
PRINTER_OFF = b"\x1b[4i"

#: Writes bytes to the clerk's terminal (the app's output between frames, or /dev/tty).
TerminalWriter = Callable[[bytes], None]


class PrinterFailed(Exception):
    """The printer did not take the printout; ``str()`` says why, for the clerk."""


def send_network(data: bytes, host: str, port: int = 9100, timeout: float = TIMEOUT) -> None:
    """``data`` to the ESC/POS printer at ``host:port`` (raw TCP, as python-escpos does)."""
    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import Network

    printer = Network(host, port, timeout=timeout)
    where = f"{host}:{port}"
    try:
        try:
            printer.open()
        except DeviceNotFoundError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, TimeoutError) or "timed out" in str(exc):
                raise PrinterFailed(_("The printer {where} did not answer within {seconds} s."
                                      ).format(where=where, seconds=f"{timeout:g}")) from None
            raise PrinterFailed(_("The printer {where} cannot be reached: {error}").format(
                where=where, error=_reason(cause or exc))) from None
        try:
            printer._raw(data)  # the document's bytes, commands and text, as they are
        except TimeoutError:
            raise PrinterFailed(_("The printer {where} stopped taking the printout "
                                  "(nothing for {seconds} s).").format(
                                      where=where, seconds=f"{timeout:g}")) from None
        except OSError as exc:
            raise PrinterFailed(_("The printer {where} broke off: {error}").format(
                where=where, error=_reason(exc))) from None
    finally:
        printer.close()


def send_queue(path: Path, queue: str, title: str = "", timeout: float = LP_TIMEOUT) -> None:
    """The file at ``path`` to the system queue ``queue``, through ``lp -d``."""
    command = ["lp", "-d", queue]
    if title:
        command += ["-t", title]
    command += ["--", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise PrinterFailed(_("lp is not installed here: the system's printing (CUPS) is "
                              "needed to print to a queue.")) from None
    except subprocess.TimeoutExpired:
        raise PrinterFailed(_("The queue {name} did not take the printout within {seconds} s."
                              ).format(name=queue, seconds=f"{timeout:g}")) from None
    except OSError as exc:
        raise PrinterFailed(_("lp cannot be run: {error}").format(error=_reason(exc))) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PrinterFailed(_("The queue {name} refused the printout: {error}").format(
            name=queue, error=said[0] if said else f"lp {done.returncode}"))


def passthrough(data: bytes) -> bytes:
    """``data`` for the printer at the clerk's terminal: ``ESC[5i`` data ``ESC[4i``."""
    return PRINTER_ON + data + PRINTER_OFF


def send_terminal(data: bytes, terminal: TerminalWriter | None = None) -> None:
    """``data`` to the printer at the clerk's terminal, through ``terminal`` (the app's
    writer), else straight to ``/dev/tty`` (outside the app)."""
    try:
        (terminal or write_tty)(passthrough(data))
    except PrinterFailed:
        raise
    except OSError as exc:
        raise PrinterFailed(_("This terminal cannot be written to: {error}").format(
            error=_reason(exc))) from None


def write_tty(data: bytes) -> None:
    """``data`` to the process's terminal, outside the app."""
    descriptor = os.open("/dev/tty", os.O_WRONLY | os.O_NOCTTY)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
    finally:
        os.close(descriptor)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
