"""PostgreSQL: the store for archives that outgrow one file and one writer.

Same schema and migrations as SQLite (the DDL is rewritten for the few types
PostgreSQL names differently); vectors are float32 ``bytea`` written with binary
COPY; unique keys and transactions make concurrent adds of one article harmless.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from .._exceptions import StoreError
from ._common import Store

_PLACEHOLDER = re.compile(r"\?")
_LOCK_KEY = 0x5C0FFEE  # advisory lock taken while migrating


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


class PostgresStore(Store):
    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        try:
            import psycopg
        except ImportError:
            raise StoreError("a postgresql:// store needs psycopg: pip install 'storycheck[postgres]'") from None
        self.path = _redact(url)
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=connect_timeout)
            self.migrate()
        except psycopg.OperationalError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"{self.path}: cannot connect to PostgreSQL: {first}") from None
        except psycopg.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from None
        self._sql_cache: dict[str, str] = {}

    @classmethod
    def borrowing(cls, conn: Any, url: str) -> PostgresStore:
        """A store on a pooled connection (already migrated); the pool closes it, not the store."""
        st = cls.__new__(cls)
        st.path, st.conn, st._sql_cache = _redact(url), conn, {}
        return st

    def _sql(self, sql: str) -> str:
        cache = getattr(self, "_sql_cache", {})
        out = cache.get(sql)
        if out is None:
            out = _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))
            cache[sql] = out
        return out

    def _ddl(self, sql: str) -> str:
        return re.sub(r"\bBLOB\b", "BYTEA", sql).replace("WITHOUT ROWID", "")

    def _concat(self, expr: str) -> str:
        return f"string_agg(DISTINCT {expr}, ',')"

    def _transaction(self) -> Any:
        return self.conn.transaction()

    def _lock_schema(self) -> None:
        self._x("SELECT pg_advisory_xact_lock(?)", (_LOCK_KEY,))

    def save_vectors(self, vectors: dict[str, np.ndarray], model: str) -> None:
        """Binary COPY into a temporary table, then one INSERT … ON CONFLICT: 100k vectors in about a second."""
        if not vectors:
            return
        cur = self.conn.cursor()
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS embeddings_in (text_hash TEXT, model TEXT, dim INTEGER, vector BYTEA)"
            " ON COMMIT DELETE ROWS"
        )
        with cur.copy("COPY embeddings_in (text_hash, model, dim, vector) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["text", "text", "int4", "bytea"])
            for k, v in vectors.items():
                copy.write_row((k, model, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()))
        cur.execute("INSERT INTO embeddings SELECT * FROM embeddings_in ON CONFLICT DO NOTHING")
        cur.execute("DELETE FROM embeddings_in")
