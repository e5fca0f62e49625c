"""Files the desk creates are readable by this user only (owner names, phone numbers,
money): 0600 whatever the umask.

``write_private(path, data)`` writes a whole file: a temporary file beside it, created
0600, renamed over ``path``, so a kill in the middle leaves the old file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE_MODE = 0o600


def private_mode(folder: Path) -> int:
    """The mode a new file in ``folder`` gets."""
    return PRIVATE_MODE


def write_private(path: Path, data: bytes) -> None:
    path = Path(path)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, private_mode(path.parent))
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
