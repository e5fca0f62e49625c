"""``deskterm report`` run in-process: the list, a report written as CSV or XLSX, and every
mistake a script can make answered with status 2 and one line on stderr."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from deskterm.cli import main
from deskterm.db.models import Payment
from deskterm.duties.reporting.reports import REPORTS
from tests.cashdesk.test_fee_summary import a_few_months
from tests.factories import MORNING
from tests.fee_rows import fee_office


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKTERM_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("DESKTERM_EXPORT_DIR", str(tmp_path / "exports"))
    for name in ("DESKTERM_DB", "DESKTERM_LANG", "DESKTERM_THEME", "DESKTERM_MOUSE",
                 "DESKTERM_OFFICE", "LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fo(sqlite_db, frozen_clock, cli_env):
    frozen_clock(MORNING)
    fo = fee_office()
    a_few_months(fo)
    return fo


def fails(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert err.startswith("deskterm: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


def test_the_list_names_every_report(capsys, cli_env):
    assert main(["report", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == list(REPORTS)
    assert "fee-collection\tFee collection" in lines


def test_a_report_to_an_xlsx_file(fo, sqlite_db, tmp_path, capsys):
    out = tmp_path / "nov.xlsx"
    assert main(["report", "fee-collection", "--period", "2026-11", "--out", str(out),
                 "--db", sqlite_db.deskterm_url]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    sheet = openpyxl.load_workbook(out).active
    last = [cell.value for cell in sheet[sheet.max_row]]
    start, end = dt.datetime(2026, 10, 31, 16), dt.datetime(2026, 11, 30, 16)  # Shanghai
    november = [p.amount for p in Payment.select() if start <= p.taken_at < end]
    assert last[0] == "Total" and round(last[4] * 100) == sum(november)


def test_the_export_folder_and_the_format_from_the_name(fo, sqlite_db, tmp_path, capsys):
    db = sqlite_db.deskterm_url
    assert main(["report", "fee-collection", "--period", "last-week", "--format", "csv",
                 "--db", db]) == 0
    path = tmp_path / "exports" / "fee-collection_2026-11-16_2026-11-22.csv"
    assert capsys.readouterr().out.strip() == str(path)
    rows = list(csv.reader(path.read_text("utf-8-sig").splitlines()))
    assert rows[0][0] == "Grouped by" and rows[-1][0] == "Total"
    out = tmp_path / "misses.csv"
    assert main(["report", "callback-misses", "--out", str(out), "--db", db]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # csv, from the name


def test_mistakes_a_script_can_make(fo, sqlite_db, tmp_path, capsys):
    db = sqlite_db.deskterm_url
    assert "--list" in fails(capsys, "report", "--db", db)
    assert "'nothing'" in fails(capsys, "report", "nothing", "--db", db)
    assert "period" in fails(capsys, "report", "fee-collection", "--period", "soon",
                             "--db", db)
    fails(capsys, "report", "complaint-summary", "--period", "last-week", "--db", db)
    fails(capsys, "report", "fee-collection", "--out", str(tmp_path / "no" / "x.csv"),
          "--db", db)
    assert not (tmp_path / "no").exists()
    assert "deskterm migrate" in fails(capsys, "report", "fee-collection",
                                       "--db", str(tmp_path / "none.db"))
    assert not (tmp_path / "none.db").exists()
    with pytest.raises(SystemExit) as usage:
        main(["report", "fee-collection", "--format", "pdf", "--db", db])
    assert usage.value.code == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_report_writes_with_its_default_period(fo, sqlite_db, tmp_path, capsys, fmt):
    for name in REPORTS:
        out = tmp_path / f"{name}.{fmt}"
        assert main(["report", name, "--out", str(out), "--db", sqlite_db.deskterm_url]) == 0
        assert out.stat().st_size > 0
    assert not capsys.readouterr().err
