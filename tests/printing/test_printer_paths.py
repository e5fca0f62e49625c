"""The other ways to a printer: a system queue through ``lp`` (a fake ``lp`` on PATH), the
terminal's byte stream between Textual's frames, the printer setting in the config file
and the environment, and a book's list (kept, and sent only where it fits)."""

from __future__ import annotations

import io
import os
import threading

import pytest
from textual.drivers._writer_thread import WriterThread

from deskterm.config import load_settings
from deskterm.errors import SetupError
from deskterm.printing.document import Document, document_text
from deskterm.printing.send import print_document
from deskterm.printing.settings import PrinterSettings
from deskterm.screens.kit.printing import list_document, write_between_frames
from tests.printing.fakes import fake_lp, fake_printer, path_with

DOC = Document("slip-WX-1", ((("title", "非凡物业"), ("", "维修任务单 No. WX-1")),
                             (("center", "存根"), ("", "签字：______"))), 32)


def queue(name: str = "Front", encoding: str = "gb18030") -> PrinterSettings:
    return PrinterSettings(kind="queue", queue=name, encoding=encoding)


def test_a_queue_gets_plain_text_through_lp(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", path_with(fake_lp(tmp_path)))
    printed = print_document(DOC, queue(), folder=tmp_path / "kept", what="Slip WX-1")
    assert printed.sent and "queue Front" in printed.said
    args = (tmp_path / "args").read_text().splitlines()
    assert args[:5] == ["-d", "Front", "-t", "Slip WX-1", "--"]
    assert args[5] == str(printed.path)
    job = (tmp_path / "job").read_bytes()
    assert job.decode("gb18030") == document_text(DOC)  # no ESC/POS to a queue
    assert b"\x1b" not in job


def test_a_utf8_queue(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", path_with(fake_lp(tmp_path)))
    print_document(DOC, queue(encoding="utf-8"), folder=tmp_path / "kept")
    assert (tmp_path / "job").read_text(encoding="utf-8") == document_text(DOC)


def test_a_queue_that_refuses_and_no_lp_at_all(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", path_with(fake_lp(tmp_path, fails=True)))
    printed = print_document(DOC, queue("Gone"), folder=tmp_path / "kept")
    assert not printed.sent and printed.path.exists()
    assert "The queue Gone refused the printout: lp: The printer or class does not " \
           "exist." in printed.said
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    printed = print_document(DOC, queue(), folder=tmp_path / "kept")
    assert not printed.sent and "lp is not installed here" in printed.said
    assert printed.path.name in printed.said and printed.path.exists()


def test_a_file_is_utf8_text_as_before(tmp_path):
    printed = print_document(DOC, PrinterSettings(), folder=tmp_path, what="Slip WX-1")
    assert printed.sent and printed.kind == "file" and printed.path.suffix == ".txt"
    assert printed.path.read_text(encoding="utf-8") == document_text(DOC)
    assert printed.said == f"Slip WX-1 written to {printed.path}"


def test_a_list_wider_than_the_roll_is_kept_not_sent(tmp_path):
    wide = list_document("\n".join(["No.  Place       Technician  Result  Description"] +
                                   ["WX-1 12-3-1501   王师傅      done    换水龙头" * 2]),
                         "approval")
    assert wide.width > 48
    with fake_printer() as printer:
        printed = print_document(wide, PrinterSettings(kind="network", host="127.0.0.1",
                                                       port=printer.port, width=48),
                                 folder=tmp_path, what="Monday approval")
        assert printer.jobs == []
    assert not printed.sent and printed.path.suffix == ".txt"
    assert "wider than the receipt printer (48 characters)" in printed.said


# --- the terminal, between frames ---------------------------------------------------------------

class FakeDriver:
    """What ``write_between_frames`` uses of Textual's LinuxDriver: its output file (text
    over a byte stream) and the writer thread that writes frames to it."""

    def __init__(self, out) -> None:
        self._file = out
        self._writer_thread = WriterThread(out)
        self._writer_thread.start()

    def write(self, text: str) -> None:
        self._writer_thread.write(text)


class FakeApp:
    def __init__(self, driver) -> None:
        self._driver = driver


def test_passthrough_lands_between_whole_frames():
    read_end, write_end = os.pipe()
    out = io.TextIOWrapper(os.fdopen(write_end, "wb"), encoding="utf-8")
    got = bytearray()
    reader = threading.Thread(target=lambda: got.extend(_read_all(read_end)), daemon=True)
    reader.start()
    driver = FakeDriver(out)
    frame = "\x1b[1;1H" + "物业" * 2000  # a big frame, queued, not yet written
    driver.write(frame)
    data = b"\x1b[5i" + "补打".encode("gb18030") + b"\x1dV\x00\x1b[4i"
    write_between_frames(FakeApp(driver), data)
    driver.write("\x1b[2;1Hnext frame")
    driver._writer_thread.stop()
    out.close()
    reader.join(5)
    assert bytes(got) == frame.encode("utf-8") + data + b"\x1b[2;1Hnext frame"


def _read_all(descriptor: int) -> bytes:
    chunks = []
    while chunk := os.read(descriptor, 65536):
        chunks.append(chunk)
    os.close(descriptor)
    return b"".join(chunks)


def test_no_terminal_to_write_to_is_said():
    from deskterm.printing.backends import PrinterFailed

    with pytest.raises(PrinterFailed, match="cannot pass a printout"):
        write_between_frames(FakeApp(object()), b"x")


# --- the setting ----------------------------------------------------------------------------------

def settings_from(tmp_path, text: str, environ: dict | None = None):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path=path, environ=environ or {})


def test_the_printer_table_and_the_environment(tmp_path):
    assert settings_from(tmp_path, "").printer == PrinterSettings()
    printer = settings_from(tmp_path, '[printer]\nkind = "network"\nhost = "192.168.1.50"\n'
                            'encoding = "GBK"\nwidth = 48\n').printer
    assert printer == PrinterSettings(kind="network", host="192.168.1.50", port=9100,
                                      encoding="gbk", width=48)
    assert printer.columns == 48 and printer.where() == "192.168.1.50:9100"
    assert settings_from(tmp_path, 'printer = "queue:Front"\n').printer == PrinterSettings(
        kind="queue", queue="Front")
    both = settings_from(tmp_path, '[printer]\nkind = "file"\nencoding = "utf-8"\n',
                         {"DESKTERM_PRINTER": "network:10.0.0.9:9101"}).printer
    assert both == PrinterSettings(kind="network", host="10.0.0.9", port=9101,
                                   encoding="utf-8")  # the file's encoding kept
    assert settings_from(tmp_path, "", {"DESKTERM_PRINTER": "terminal"}).printer.columns == 32


@pytest.mark.parametrize("text, said", [
    ('[printer]\nkind = "laser"\n', "line 2: 'printer'.kind must be one of file, network"),
    ('[printer]\nkind = "network"\n', "line 1: 'printer' needs the printer's address"),
    ('[printer]\nkind = "queue"\nhost = "x"\n', "needs the queue's name"),
    ('[printer]\nkind = "file"\nencoding = "big5"\n', "line 3: 'printer'.encoding must be"),
    ('[printer]\nwidth = "32"\n', "line 2: 'printer'.width must be a whole number"),
    ('[printer]\nwidth = 12\n', "must be from 24 to 200"),
    ('[printer]\nport = 70000\nkind = "network"\nhost = "a"\n', "port from 1 to 65535"),
    ('[printer]\ncolour = 1\n', "line 2: 'colour' is not a printer setting"),
    ('printer = "usb"\n', "must be network:HOST[:PORT], queue:NAME, terminal or file"),
])
def test_a_bad_printer_setting_names_the_line(tmp_path, text, said):
    with pytest.raises(SetupError) as caught:
        settings_from(tmp_path, text)
    assert said in str(caught.value)


def test_a_bad_environment_printer_is_named(tmp_path):
    with pytest.raises(SetupError, match="DESKTERM_PRINTER must be network:HOST"):
        settings_from(tmp_path, "", {"DESKTERM_PRINTER": "network:host:port"})
