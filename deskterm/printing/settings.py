"""The printer of this terminal: the ``[printer]`` table of ``config.toml`` (per person and
terminal, like ``export_dir``) or ``DESKTERM_PRINTER``.

``kind``:

- ``"file"`` (the default): the printout is written to the export folder, as before;
- ``"network"``: an ESC/POS receipt printer on the network, ``host`` and ``port`` (9100);
- ``"queue"``: a system printer queue, through ``lp -d <queue>`` (CUPS), as plain text;
- ``"terminal"``: the printer attached to the clerk's own PC, reached through the terminal
  (ANSI printer controller mode, ``ESC[5i … ESC[4i``: PuTTY, SecureCRT, xterm).

``encoding``: what the printer reads, ``gb18030`` (default), ``gbk`` or ``utf-8``.
``width``: the characters of a line (32: a 58 mm roll, 48: 80 mm; a CJK character counts
two); default 32 for a receipt printer (network, terminal), 40 for a file or a queue.

``DESKTERM_PRINTER`` (or a string in the file, ``printer = "..."``) is the short form:
``network:HOST[:PORT]``, ``queue:NAME``, ``terminal`` or ``file``; the file's other keys
(encoding, width) still apply when the table is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from deskterm.i18n import _

KINDS = ("file", "network", "queue", "terminal")
ENCODINGS = ("gb18030", "gbk", "utf-8")
KEYS = ("kind", "host", "port", "queue", "encoding", "width")
RECEIPT_KINDS = ("network", "terminal")  # ESC/POS receipt printers


class PrinterSettingError(ValueError):
    """A bad printer setting; ``problem`` in words, ``key`` the key in ``[printer]``."""

    def __init__(self, problem: str, key: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.key = key


@dataclass(frozen=True)
class PrinterSettings:
    kind: str = "file"
    host: str = ""
    port: int = 9100
    queue: str = ""
    encoding: str = "gb18030"
    width: int | None = None

    @property
    def columns(self) -> int:
        """The characters of a printed line."""
        if self.width:
            return self.width
        return 32 if self.kind in RECEIPT_KINDS else 40

    @property
    def escpos(self) -> bool:
        """The printer reads ESC/POS (a receipt printer): cuts, bold, alignment."""
        return self.kind in RECEIPT_KINDS

    def where(self) -> str:
        """The printer in a few words, for messages: ``192.168.1.50:9100``, ``queue Front``."""
        if self.kind == "network":
            return f"{self.host}:{self.port}"
        if self.kind == "queue":
            return _("queue {name}").format(name=self.queue)
        if self.kind == "terminal":
            return _("the printer at this terminal")
        return _("a file")


FILE = PrinterSettings()


def printer_from_text(raw: str, shown: str) -> PrinterSettings:
    """The short form, ``network:HOST[:PORT]``, ``queue:NAME``, ``terminal`` or ``file``."""
    text = raw.strip()
    kind, _colon, rest = text.partition(":")
    kind = kind.strip().lower()
    problem = _("{name} must be network:HOST[:PORT], queue:NAME, terminal or file; "
                "not '{value}'.").format(name=shown, value=raw)
    if kind in ("file", "terminal") and not rest.strip():
        return PrinterSettings(kind=kind)
    if kind == "queue" and rest.strip():
        return PrinterSettings(kind="queue", queue=rest.strip())
    if kind == "network" and rest.strip():
        host, port = rest.strip(), ""
        if host.count(":") == 1:  # an IPv6 address has more: all of it is the host
            host, _colon, port = host.partition(":")
        if port and not port.strip().isdigit():
            raise PrinterSettingError(problem)
        return _checked(PrinterSettings(kind="network", host=host.strip(),
                                        port=int(port) if port else 9100), shown)
    raise PrinterSettingError(problem)


def check_printer(value: object, shown: str) -> PrinterSettings:
    """A ``[printer]`` table (or the short form as a string) from the settings file."""
    if isinstance(value, str):
        return printer_from_text(value, shown)
    if not isinstance(value, Mapping):
        raise PrinterSettingError(_(
            "{name} must be a table: a [printer] line, then lines such as "
            "kind = \"network\".").format(name=shown))
    for key in value:
        if key not in KEYS:
            raise PrinterSettingError(_(
                "'{key}' is not a printer setting; they are: {known}.").format(
                    key=key, known=", ".join(KEYS)), key=str(key))
    settings = FILE
    for key in ("kind", "host", "queue", "encoding"):
        if key in value:
            text = value[key]
            if not isinstance(text, str):
                raise PrinterSettingError(_("{name} must be text in quotes.").format(
                    name=f"{shown}.{key}"), key=key)
            text = text.strip()
            settings = replace(settings, **{key: text.lower() if key in (
                "kind", "encoding") else text})
    for key in ("port", "width"):
        if key in value:
            number = value[key]
            if isinstance(number, bool) or not isinstance(number, int):
                raise PrinterSettingError(_(
                    "{name} must be a whole number without quotes.").format(
                        name=f"{shown}.{key}"), key=key)
            settings = replace(settings, **{key: number})
    return _checked(settings, shown)


def _checked(settings: PrinterSettings, shown: str) -> PrinterSettings:
    if settings.kind not in KINDS:
        raise PrinterSettingError(_("{name} must be one of {known}; not '{value}'.").format(
            name=f"{shown}.kind", known=", ".join(KINDS), value=settings.kind), key="kind")
    encoding = {"gb-18030": "gb18030", "utf8": "utf-8", "cp936": "gbk"}.get(
        settings.encoding, settings.encoding)
    if encoding not in ENCODINGS:
        raise PrinterSettingError(_("{name} must be one of {known}; not '{value}'.").format(
            name=f"{shown}.encoding", known=", ".join(ENCODINGS), value=settings.encoding),
            key="encoding")
    settings = replace(settings, encoding=encoding)
    if settings.kind == "network" and not settings.host:
        raise PrinterSettingError(_("{name} needs the printer's address: host = \"...\".")
                                  .format(name=shown), key="host")
    if settings.kind == "queue" and not settings.queue:
        raise PrinterSettingError(_("{name} needs the queue's name: queue = \"...\".")
                                  .format(name=shown), key="queue")
    if not 1 <= settings.port <= 65535:
        raise PrinterSettingError(_("{name} must be a port from 1 to 65535.").format(
            name=f"{shown}.port"), key="port")
    if settings.width is not None and not 24 <= settings.width <= 200:
        raise PrinterSettingError(_("{name} must be from 24 to 200 characters.").format(
            name=f"{shown}.width"), key="width")
    return settings
