"""A throwaway PostgreSQL server for benchmarks: initdb + pg_ctl in a temporary directory on 127.0.0.1."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    hits = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return hits[-1] if hits else None


def available() -> str | None:
    """None when a server can be started here, else the reason it cannot."""
    if not pg_bin("initdb") or not pg_bin("pg_ctl"):
        return "PostgreSQL server binaries not found (apt-get install postgresql)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and no 'postgres' user to run the server as"
    return None


@contextmanager
def server(max_connections: int = 60, settings: dict[str, str] | None = None) -> Iterator[str]:
    """A running server's base URL (``postgresql://storycheck@127.0.0.1:PORT``); stopped and removed after.
    ``settings``: more server settings (``-c name=value``)."""
    base = Path(tempfile.mkdtemp(prefix="storycheck-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # the server refuses root: run it as 'postgres'
        user = pwd.getpwnam("postgres")
        os.chown(base, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = base / "data"
    subprocess.run([*run_as, str(pg_bin("initdb")), "-D", str(data), "-A", "trust", "-U", "storycheck", "-E", "UTF8",
                    "--no-sync"], check=True, capture_output=True)
    # fsync stays on: the kill benchmark must see what a real server keeps
    opts = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c max_connections={max_connections}"
    opts += "".join(f" -c {k}={v}" for k, v in (settings or {}).items())
    pg_ctl = str(pg_bin("pg_ctl"))
    subprocess.run([*run_as, pg_ctl, "-D", str(data), "-o", opts, "-l", str(base / "log"), "-w", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql://storycheck@127.0.0.1:{port}"
    finally:
        subprocess.run([*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def new_database(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{url}/{name}"
