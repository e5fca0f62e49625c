"""The desk's log keeps an unexpected error's traceback, readable by this user only."""

from __future__ import annotations

import logging
import os
import stat

from deskterm.desk_log import start_log
from deskterm.screens.kit.duty import outcome_of


def test_an_unexpected_error_goes_to_the_log_not_to_the_clerk(tmp_path, sqlite_db):
    path = tmp_path / "state" / "desk.log"
    old = os.umask(0)
    try:
        start_log(path)

        def broken():
            raise KeyError("owner")

        ok, result, field, message = outcome_of(broken)
    finally:
        os.umask(old)
        logger = logging.getLogger("deskterm")
        for handler in list(logger.handlers):
            if getattr(handler, "baseFilename", "") == str(path):
                logger.removeHandler(handler)
                handler.close()
    assert (ok, field) == (False, "")
    assert "unexpected error (KeyError)" in message and "Traceback" not in message
    text = path.read_text()
    assert "Traceback" in text and "KeyError: 'owner'" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
