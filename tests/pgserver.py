"""A throwaway PostgreSQL 15 server for the test session.

``initdb -A trust`` + ``pg_ctl start`` into a temp folder, listening only on a Unix socket
in that folder (no TCP port to collide with). Run as the ``postgres`` user when the tests
run as root (initdb refuses root). Each test gets a fresh database from ``fresh_database_url``.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse


def _bin_dir() -> Path | None:
    env = os.environ.get("DESKTERM_PG_BIN")
    candidates = [env] if env else sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def pg_unavailable_reason() -> str | None:
    if os.environ.get("DESKTERM_SKIP_PG"):
        return "PostgreSQL tests skipped: DESKTERM_SKIP_PG is set"
    if _bin_dir() is None:
        return "PostgreSQL tests skipped: no initdb/pg_ctl under /usr/lib/postgresql/*/bin"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "PostgreSQL tests skipped: psycopg is not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "PostgreSQL tests skipped: running as root without runuser"
    return None


class PgServer:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "sock"
        self.bin = _bin_dir()
        self._names = itertools.count(1)
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.user:
            cmd = ["runuser", "-u", self.user, "--"] + cmd
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self.user:
            shutil.chown(self.folder, self.user)
            shutil.chown(self.socket_dir, self.user)
        os.chmod(self.folder, 0o755)
        self._run(str(self.bin / "initdb"), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C", "-D", str(self.data))
        opts = f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off -c max_connections=60"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts,
                  "-l", str(self.folder / "log"), "-w", "start")

    def halt(self) -> None:
        """Stop the server as an administrator would (connections are cut)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        """Start a halted server again (the same data)."""
        opts = f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off -c max_connections=60"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts,
                  "-l", str(self.folder / "log"), "-w", "start")

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass

    def url(self, name: str) -> str:
        return f"postgresql://postgres@/{name}?host={self.socket_dir}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", user="postgres", host=str(self.socket_dir),
                             autocommit=True) as conn:
            conn.execute(sql)

    def fresh_database_url(self, template: str | None = None) -> str:
        name = f"desk_{os.getpid()}_{next(self._names)}"
        if template:
            self._admin(f"CREATE DATABASE {name} TEMPLATE {template}")
        else:
            self._admin(f"CREATE DATABASE {name}")
        return self.url(name)

    @staticmethod
    def name_of(url: str) -> str:
        return urlparse(url).path.lstrip("/")

    def drop(self, url: str) -> None:
        name = self.name_of(url)
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
