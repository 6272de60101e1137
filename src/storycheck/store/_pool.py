"""Stores for concurrent requests: each request borrows one connection and gives it back.

Opening a store per request costs a connection and a migration check (a write
transaction on SQLite, which queues behind every writer); a pool opens and
migrates once. SQLite: a few connections to the one file (WAL: readers never wait
for the writer). PostgreSQL: a psycopg_pool connection pool.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .._exceptions import StoreError
from ._common import Store, is_url

if TYPE_CHECKING:
    from ._sqlite import SQLiteStore

#: Connections per pool: a few more than the worker threads that hold one at a time
#: (Starlette runs sync routes on 40 threads, but CPU work on 2 cores keeps few busy).
POOL_SIZE = 8
#: Seconds a request waits for a free connection before it fails with a StoreError (HTTP 500).
POOL_TIMEOUT = 60.0


class StorePool:
    """``with pool.store() as st:`` gives a Store on a borrowed connection."""

    def store(self) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SQLitePool(StorePool):
    def __init__(self, path: str | os.PathLike[str], size: int = POOL_SIZE, timeout: float = POOL_TIMEOUT) -> None:
        from ._sqlite import SQLiteStore

        self._open = lambda: SQLiteStore(path)
        self._idle: queue.LifoQueue[SQLiteStore] = queue.LifoQueue()
        self._idle.put(self._open())  # opens and migrates now: a bad path fails at start, not per request
        self._made, self._size, self._timeout = 1, size, timeout
        self._lock = threading.Lock()
        self._all: list[SQLiteStore] = [self._idle.queue[0]]

    def _take(self) -> SQLiteStore:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._made < self._size:
                self._made += 1
                st = self._open()
                self._all.append(st)
                return st
        try:
            return self._idle.get(timeout=self._timeout)
        except queue.Empty:
            raise StoreError(f"no free store connection within {self._timeout:.0f} s") from None

    @contextmanager
    def store(self) -> Iterator[Store]:
        st = self._take()
        try:
            yield st
        finally:
            if st.conn.in_transaction:  # an error inside a transaction the store did not close
                st.conn.rollback()
            self._idle.put(st)

    def close(self) -> None:
        for st in self._all:
            st.close()


class PostgresPool(StorePool):
    def __init__(self, url: str, size: int = POOL_SIZE, timeout: float = POOL_TIMEOUT) -> None:
        from ._postgres import PostgresStore

        try:
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise StoreError("serving a postgresql:// store needs psycopg_pool:"
                             " pip install 'storycheck[postgres]'") from None
        PostgresStore(url).close()  # migrate once, and fail with a clear message when unreachable
        self._url = url
        # check on borrow: after a server restart a dead connection is replaced, not handed out
        self._pool = ConnectionPool(url, min_size=1, max_size=size, timeout=timeout, open=True,
                                    kwargs={"autocommit": True, "connect_timeout": 10},
                                    check=ConnectionPool.check_connection)

    @contextmanager
    def store(self) -> Iterator[Store]:
        import psycopg_pool

        from ._postgres import PostgresStore

        try:
            with self._pool.connection() as conn:
                yield PostgresStore.borrowing(conn, self._url)
        except psycopg_pool.PoolTimeout as exc:
            raise StoreError(f"no free PostgreSQL connection: {exc}") from None

    def close(self) -> None:
        self._pool.close()


def open_pool(target: str | os.PathLike[str], size: int = POOL_SIZE) -> StorePool:
    """A pool of stores over a SQLite path or a ``postgresql://`` URL."""
    return PostgresPool(str(target), size) if is_url(target) else SQLitePool(target, size)
