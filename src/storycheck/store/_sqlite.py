from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import numpy as np

from .._exceptions import StoreError
from .._types import Article, Sentence
from ..embed import text_key


def _migrations() -> list[tuple[int, str, str]]:
    files = sorted(
        (f for f in resources.files("storycheck.store").joinpath("migrations").iterdir() if f.name.endswith(".sql")),
        key=lambda f: f.name,
    )
    return [(int(f.name.split("_", 1)[0]), f.name, f.read_text(encoding="utf-8")) for f in files]


SCHEMA_VERSION = max(v for v, _, _ in _migrations())


def default_db_path() -> Path:
    """$STORYCHECK_DB, else storycheck.db in the user data dir (platformdirs)."""
    env = os.environ.get("STORYCHECK_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("storycheck", appauthor=False)) / "storycheck.db"


class Store:
    """A SQLite database of articles, sentences and embeddings."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA busy_timeout = 5000")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open database: {exc}") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create database: {exc.strerror}") from None

    # -- schema ---------------------------------------------------------------
    def schema_version(self) -> int:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        row = self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> None:
        current = self.schema_version()
        for version, name, sql in _migrations():
            if version <= current:
                continue
            with self._transaction():
                code = "\n".join(ln.split("--", 1)[0] for ln in sql.splitlines())
                for stmt in (s.strip() for s in code.split(";")):
                    if stmt:
                        self.conn.execute(stmt)
                self.conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, _now()),
                )

    def _transaction(self) -> _Tx:
        return _Tx(self.conn)

    # -- articles -------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_articles(self, articles: Sequence[Article], vectors: dict[str, np.ndarray], model: str) -> tuple[int, int]:
        """Insert new articles with their sentences and vectors in one transaction.

        Returns (added, already stored). An article whose id is stored is left as is.
        """
        added = skipped = 0
        with self._transaction():
            for a in articles:
                if self.has_article(a.id):
                    skipped += 1
                    continue
                self.conn.execute(
                    "INSERT INTO articles (id, content_hash, title, outlet, url, published, path, text, added_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (a.id, text_key(a.text), a.title, a.outlet, a.url, a.published, a.path, a.text, _now()),
                )
                self.conn.executemany(
                    "INSERT INTO sentences (article_id, idx, start_char, end_char, text, text_hash) VALUES (?, ?, ?, ?, ?, ?)",
                    [(a.id, s.index, s.start, s.end, s.text, text_key(s.text)) for s in a.sentences],
                )
                added += 1
            self.save_vectors(vectors, model)
        return added, skipped

    def save_vectors(self, vectors: dict[str, np.ndarray], model: str) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO embeddings (text_hash, model, dim, vector) VALUES (?, ?, ?, ?)",
            [(k, model, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()],
        )

    def load_vectors(self, keys: Iterable[str], model: str) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        keys = list(keys)
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            q = f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({','.join('?' * len(chunk))})"
            for k, blob in self.conn.execute(q, [model, *chunk]):
                out[k] = np.frombuffer(blob, dtype=np.float32)
        return out

    def get_article(self, article_id: str) -> Article | None:
        row = self.conn.execute(
            "SELECT id, text, title, outlet, url, published, path FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        art = Article(id=row[0], text=row[1], title=row[2], outlet=row[3], url=row[4], published=row[5], path=row[6])
        art.sentences = [
            Sentence(index=i, start=a, end=b, text=t)
            for i, a, b, t in self.conn.execute(
                "SELECT idx, start_char, end_char, text FROM sentences WHERE article_id = ? ORDER BY idx", (article_id,)
            )
        ]
        return art

    def count(self, table: str) -> int:
        if table not in ("articles", "sentences", "embeddings"):
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Tx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def open_store(path: str | os.PathLike[str] | None = None) -> Store:
    return Store(path or default_db_path())
