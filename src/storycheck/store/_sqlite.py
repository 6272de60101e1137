"""SQLite: the default store, one file, one writer at a time."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from .._exceptions import StoreError
from ._common import Store


class SQLiteStore(Store):
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA foreign_keys = ON")
            # WAL: readers (page views) never wait for the writer, nor the writer for them
            self.conn.execute("PRAGMA journal_mode = WAL")
            # a writer waits up to 30 s for another one (a batch of `add` commits in well under that) instead of failing
            self.conn.execute("PRAGMA busy_timeout = 30000")
            # NORMAL under WAL: a killed process loses nothing committed (only power loss may lose the last commits)
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open database: {exc}") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create database: {exc.strerror}") from None

    def _transaction(self) -> Any:
        return _Tx(self.conn)


class _Tx:
    """BEGIN IMMEDIATE: take the write lock up front, so two writers queue instead of deadlocking."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
