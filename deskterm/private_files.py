"""Files the desk creates hold owner names, phone numbers and money: only the people who
need them may read them (China's PIPL), whatever the umask of the shell that started it.

Every file deskterm creates goes through here: the SQLite database (created before SQLite
first opens it; SQLite gives its -wal and -shm the database file's mode), the migration
lock beside it, exported reports, printouts, drafts.

The mode of a new file is decided by its folder (``private_mode``):

- ``0600`` (this user only), the default;
- ``0660`` (this user and the folder's group) when the folder is a *group folder*: a
  folder with the setgid bit set (``chmod 2770``). That is the README's set-up for
  several clerks' users sharing one database: the folder belongs to their group, and
  the setgid bit makes every file created in it belong to that group too. The setgid
  bit is the whole test: a folder without it gets 0600 files even when its group may
  write to it, since nothing else says the administrator meant to share them.

The mode is set with ``fchmod`` after the file is created, so the umask can neither widen
(``umask 000``) nor narrow (``umask 077`` would drop the group's bits) it. Folders the
desk creates get ``0700`` (``0770`` plus setgid inside a group folder): a file's name can
say whose receipt it is.

The calls:

- ``create_private(path, exclusive=True) -> int``: a file descriptor open for writing;
  with ``exclusive``, ``FileExistsError`` when the name is taken, else an existing file is
  opened as it is (its mode untouched, not truncated);
- ``write_private(path, data)``: the whole file, replacing any there: a temporary file
  beside it, renamed over it, so a kill in the middle leaves the old file;
- ``replacing_private(path)``: the same as a ``with`` block giving a binary file object
  (for writers that stream, such as openpyxl);
- ``write_private_new(folder, stem, suffix, data) -> Path``: a new file that never
  replaces one (``stem.txt``, else ``stem-2.txt``, ``stem-3.txt``...), visible only once
  whole (written beside it, then hard-linked to its name);
- ``private_mode(folder) -> int``, ``is_group_folder(folder)``, ``make_private_folder``;
- ``others_can_open(path)`` / ``tighten(path)``: an existing file others may read.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

PRIVATE_MODE = 0o600
GROUP_MODE = 0o660
PRIVATE_FOLDER_MODE = 0o700
GROUP_FOLDER_MODE = 0o2770
#: The bits a file of the desk never needs: anyone's but the owner's and the group's.
OTHERS_BITS = 0o007


def is_group_folder(folder: str | Path) -> bool:
    """Has ``folder`` the setgid bit (``chmod 2770``): files made in it are shared with its
    group. A folder that cannot be read counts as not shared."""
    try:
        return bool(os.stat(folder).st_mode & stat.S_ISGID)
    except OSError:
        return False


def private_mode(folder: str | Path) -> int:
    """The mode a new file in ``folder`` gets: 0660 in a group folder, else 0600."""
    return GROUP_MODE if is_group_folder(folder) else PRIVATE_MODE


def _folder_of(path: str | Path) -> Path:
    return Path(path).parent


def create_private(path: str | Path, *, exclusive: bool = True) -> int:
    """Create ``path`` with ``private_mode`` of its folder and return a descriptor open for
    writing (the caller closes it). ``exclusive``: the name must be free (else
    ``FileExistsError``); without it an existing file is opened unchanged."""
    mode = private_mode(_folder_of(path))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags, mode)
    except FileExistsError:
        if exclusive:
            raise
        return os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fchmod(handle, mode)  # whatever the umask took away or left
    except BaseException:
        os.close(handle)
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    return handle


def temp_beside(path: Path) -> tuple[int, Path]:
    """A new private file under a free temporary name beside ``path``: (descriptor, path)."""
    while True:
        temp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            return create_private(temp), temp
        except FileExistsError:
            continue


@contextlib.contextmanager
def replacing_private(path: str | Path) -> Iterator[BinaryIO]:
    """``with replacing_private(path) as out: out.write(...)``: ``out`` is a new private
    file beside ``path``, renamed over ``path`` when the block ends without an error and
    removed when it ends with one (``path`` is then as it was)."""
    path = Path(path)
    handle, temp = temp_beside(path)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def write_private(path: str | Path, data: bytes) -> None:
    """Write ``data`` as the whole of ``path`` (replacing a file there), atomically."""
    with replacing_private(path) as out:
        out.write(data)


def link_new(temp: Path, path: Path) -> bool:
    """Give the whole file ``temp`` the name ``path``; False when the name is taken."""
    try:
        os.link(temp, path)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                             errno.EMLINK):
            raise
    # A file system without hard links (some network shares): create the name exclusively
    # and copy into it; a reader may then see it before it is whole.
    try:
        handle = create_private(path)
    except FileExistsError:
        return False
    with os.fdopen(handle, "wb") as out:
        out.write(temp.read_bytes())
    return True


def write_private_new(folder: str | Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write ``data`` as a new file ``<stem><suffix>`` in ``folder``, never over another:
    a name already there gets ``-2``, ``-3``... Returns the path written. The file is
    written whole under a temporary name first, so no one sees half of it."""
    folder = Path(folder)
    handle, temp = temp_beside(folder / f"{stem}{suffix}")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        number = 1
        while True:
            path = folder / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
            if link_new(temp, path):
                return path
            number += 1
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def make_private_folder(folder: str | Path) -> Path:
    """Create ``folder`` (and its missing parents) as 0700, or 0770 with the setgid bit
    inside a group folder; a folder already there is left as it is."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for path in reversed(missing):
        mode = GROUP_FOLDER_MODE if is_group_folder(path.parent) else PRIVATE_FOLDER_MODE
        try:
            path.mkdir(mode=mode & 0o777)
        except FileExistsError:
            continue  # made meanwhile by someone else: theirs
        os.chmod(path, mode)
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    return folder


def others_can_open(path: str | Path) -> bool:
    """Can users outside the file's owner and group read or write ``path``?"""
    try:
        return bool(os.stat(path).st_mode & OTHERS_BITS)
    except OSError:
        return False


def tighten(path: str | Path) -> bool:
    """Take the others' bits off ``path`` when this user owns it; True when it did. The
    group's bits stay: a group is an administrator's choice (see the README)."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    if not info.st_mode & OTHERS_BITS or info.st_uid != os.geteuid():
        return False
    try:
        os.chmod(path, stat.S_IMODE(info.st_mode) & ~OTHERS_BITS)
    except OSError:
        return False
    return True
