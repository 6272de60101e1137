from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .._exceptions import StoreError
from .._types import Article, Sentence
from ..embed import text_key
from ..group import ArticleFeatures, Batch, Vocabulary, band_keys


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

    def save_vectors(self, vectors: dict[str, np.ndarray], model: str) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO embeddings (text_hash, model, dim, vector) VALUES (?, ?, ?, ?)",
            [(k, model, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()],
        )

    def load_vectors(self, keys: Iterable[str], model: str) -> dict[str, np.ndarray]:
        return {k: np.frombuffer(blob, dtype=np.float32) for k, blob in self._rows_in(
            "SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})", keys, model)}

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

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """Ids stored as articles or linked as duplicates."""
        ids = list(ids)
        return {a for table in ("articles", "duplicates")
                for (a,) in self._rows_in(f"SELECT id FROM {table} WHERE id IN ({{marks}})", ids)}

    # -- grouping ---------------------------------------------------------------
    def vocabulary(self) -> Vocabulary:
        n = int(self.conn.execute("SELECT COUNT(*) FROM article_features").fetchone()[0])
        return Vocabulary(n, dict(self.conn.execute("SELECT term, df FROM term_df")))

    def _rows_in(self, sql: str, keys: Iterable[Any], *before: Any) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` (whose ``{marks}`` is the placeholder list) for keys, 500 at a time."""
        for chunk in _chunks(list(dict.fromkeys(keys))):
            yield from self.conn.execute(sql.format(marks=",".join("?" * len(chunk))), [*before, *chunk])

    def _grouped(self, sql: str, keys: Iterable[Any]) -> dict[Any, list[Any]]:
        out: dict[Any, list[Any]] = {}
        for k, v in self._rows_in(sql, keys):
            out.setdefault(k, []).append(v)
        return out

    def by_content_hash(self, hashes: Iterable[str]) -> dict[str, str]:
        """content hash → id of a stored article with exactly that text."""
        return dict(self._rows_in("SELECT content_hash, id FROM articles WHERE content_hash IN ({marks})", hashes))

    def band_candidates(self, keys: Iterable[str]) -> dict[str, list[str]]:
        return self._grouped("SELECT band_key, article_id FROM minhash_bands WHERE band_key IN ({marks})", keys)

    def block_candidates(self, terms: Iterable[str], max_postings: int) -> dict[str, list[str]]:
        """Stored articles per block term, leaving out terms too common to be distinctive."""
        out = self._grouped("SELECT term, article_id FROM block_postings WHERE term IN ({marks})", terms)
        return {t: ids for t, ids in out.items() if len(ids) <= max_postings}

    def load_features(self, ids: Iterable[str], model: str) -> list[ArticleFeatures]:
        rows = self._rows_in(
            "SELECT f.article_id, f.terms, f.names, f.lead_hash, f.day, f.minhash, e.vector FROM article_features f"
            " LEFT JOIN embeddings e ON e.text_hash = f.lead_hash AND e.model = ? WHERE f.article_id IN ({marks})",
            ids, model)
        return [
            ArticleFeatures(aid, json.loads(t), json.loads(nm), "", date.fromisoformat(d) if d else None,
                            np.frombuffer(mh, dtype=np.uint64), np.frombuffer(v, dtype=np.float32) if v else None)
            for aid, t, nm, _, d, mh, v in rows
        ]

    def stories_of(self, ids: Iterable[str]) -> dict[str, str]:
        return dict(self._rows_in("SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})", ids))

    def story_members(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        return self._grouped("SELECT story_id, article_id FROM story_articles WHERE story_id IN ({marks})", story_ids)

    def write_batch(self, batch: Batch, model: str) -> None:
        """One transaction: new articles, their features, duplicates links, vectors, story moves."""
        now = _now()
        with self._transaction():
            for a in batch.articles:
                self._insert_article(a, now)
            for f in batch.features:
                self.conn.execute(
                    "INSERT INTO article_features (article_id, terms, names, lead_hash, day, minhash) VALUES (?, ?, ?, ?, ?, ?)",
                    (f.id, json.dumps(f.terms, ensure_ascii=False), json.dumps(f.names, ensure_ascii=False),
                     text_key(f.lead), f.day.isoformat() if f.day else None, np.asarray(f.minhash, np.uint64).tobytes()),
                )
                self.conn.executemany("INSERT OR IGNORE INTO minhash_bands (band_key, article_id) VALUES (?, ?)",
                                      [(k, f.id) for k in band_keys(f.minhash)])
                terms = list(f.terms) + ["@" + n for n in f.names]
                self.conn.executemany("INSERT INTO term_df (term, df) VALUES (?, 1) ON CONFLICT (term) DO UPDATE SET df = df + 1",
                                      [(t,) for t in terms])
            self.conn.executemany("INSERT OR IGNORE INTO block_postings (term, article_id) VALUES (?, ?)",
                                  [(t, aid) for aid, ts in batch.blocks.items() for t in ts])
            for d in batch.duplicates:
                self.conn.execute(
                    "INSERT OR IGNORE INTO duplicates (id, original_id, resemblance, title, outlet, url, published, path,"
                    " added_sentences, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (d.article.id, d.original, d.resemblance, d.article.title, d.article.outlet, d.article.url,
                     d.article.published, d.article.path, json.dumps(d.added, ensure_ascii=False), now),
                )
            self.save_vectors(batch.vectors, model)
            if batch.dropped_stories:
                self.conn.executemany("DELETE FROM stories WHERE id = ?", [(s,) for s in batch.dropped_stories])
            for sid, members in batch.stories.items():
                self.conn.execute("INSERT INTO stories (id, created_at, updated_at) VALUES (?, ?, ?)"
                                  " ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at", (sid, now, now))
                self.conn.executemany(
                    "INSERT INTO story_articles (article_id, story_id) VALUES (?, ?)"
                    " ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id",
                    [(a, sid) for a in members])

    def _insert_article(self, a: Article, now: str) -> None:
        self.conn.execute(
            "INSERT INTO articles (id, content_hash, title, outlet, url, published, path, text, added_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a.id, content_hash(a.text), a.title, a.outlet, a.url, a.published, a.path, a.text, now),
        )
        self.conn.executemany(
            "INSERT INTO sentences (article_id, idx, start_char, end_char, text, text_hash) VALUES (?, ?, ?, ?, ?, ?)",
            [(a.id, s.index, s.start, s.end, s.text, text_key(s.text)) for s in a.sentences],
        )

    # -- reading stories --------------------------------------------------------
    def _story_filter(self, query: str | None, since: str | None, until: str | None,
                      min_size: int | None) -> tuple[str, list[Any]]:
        where, having, args = [], [], []
        if query:
            where.append("sa.story_id IN (SELECT sa2.story_id FROM story_articles sa2 JOIN articles a2"
                         " ON a2.id = sa2.article_id WHERE a2.title LIKE ? OR a2.outlet LIKE ? OR a2.text LIKE ?)")
            args += [f"%{query}%"] * 3
        if since:
            having.append("MAX(a.published) >= ?")
            args.append(since)
        if until:
            having.append("MIN(a.published) <= ?")
            args.append(until + "T99")  # the whole 'until' day
        if min_size:
            having.append("COUNT(*) >= ?")
            args.append(min_size)
        sql = (" FROM story_articles sa JOIN articles a ON a.id = sa.article_id"
               + (" WHERE " + " AND ".join(where) if where else "") + " GROUP BY sa.story_id"
               + (" HAVING " + " AND ".join(having) if having else ""))
        return sql, args

    def count_stories(self, query: str | None = None, since: str | None = None, until: str | None = None,
                      min_size: int | None = None) -> int:
        sql, args = self._story_filter(query, since, until, min_size)
        return int(self.conn.execute(f"SELECT COUNT(*) FROM (SELECT sa.story_id{sql})", args).fetchone()[0])

    def list_stories(self, limit: int | None = None, offset: int = 0, query: str | None = None,
                     since: str | None = None, until: str | None = None,
                     min_size: int | None = None) -> list[dict[str, Any]]:
        """Stories, biggest first: size, outlets, first and last date, headline (earliest article's title)."""
        sql, args = self._story_filter(query, since, until, min_size)
        sql = ("SELECT sa.story_id, COUNT(*) AS size, MIN(a.published), MAX(a.published), GROUP_CONCAT(DISTINCT a.outlet)"
               + sql + " ORDER BY size DESC, MAX(a.published) DESC, sa.story_id")
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        out = []
        for sid, size, first, last, outlets in self.conn.execute(sql, args).fetchall():
            dups = self.conn.execute(
                "SELECT COUNT(*), GROUP_CONCAT(DISTINCT d.outlet) FROM duplicates d JOIN story_articles sa"
                " ON sa.article_id = d.original_id WHERE sa.story_id = ?", (sid,)).fetchone()
            head = self.conn.execute(
                "SELECT a.title, a.text FROM story_articles sa JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = ?"
                " ORDER BY a.published IS NULL, a.published, a.id LIMIT 1", (sid,)).fetchone()
            names = sorted(set((outlets or "").split(",") + ((dups[1] or "").split(",") if dups[0] else [])) - {""})
            out.append({"id": sid, "size": size + dups[0], "articles": size, "duplicates": dups[0], "outlets": names,
                        "first_published": first, "last_published": last,
                        "headline": (head[0] or " ".join(head[1].split())[:100]) if head else None})
        return out

    def story_articles(self, story_id: str) -> list[Article]:
        ids = [a for (a,) in self.conn.execute(
            "SELECT sa.article_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = ?"
            " ORDER BY a.published IS NULL, a.published, a.id", (story_id,))]
        return [a for a in (self.get_article(i) for i in ids) if a is not None]

    def story_duplicates(self, story_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT d.id, d.original_id, d.resemblance, d.title, d.outlet, d.url, d.published, d.added_sentences"
            " FROM duplicates d JOIN story_articles sa ON sa.article_id = d.original_id WHERE sa.story_id = ?"
            " ORDER BY d.published IS NULL, d.published, d.id", (story_id,)).fetchall()
        return [{"id": r[0], "original": r[1], "resemblance": r[2], "title": r[3], "outlet": r[4], "url": r[5],
                 "published": r[6], "added_sentences": json.loads(r[7])} for r in rows]

    def find_story(self, prefix: str) -> str | None:
        """A story id from its id or an unambiguous prefix, or from one of its article ids."""
        rows = self.conn.execute("SELECT id FROM stories WHERE id LIKE ? LIMIT 2", (prefix + "%",)).fetchall()
        if len(rows) == 1:
            return str(rows[0][0])
        row = self.conn.execute("SELECT story_id FROM story_articles WHERE article_id = ?", (prefix,)).fetchone()
        return str(row[0]) if row else None

    def cached_report(self, story_id: str, members_hash: str, version: str) -> str | None:
        row = self.conn.execute("SELECT report FROM story_reports WHERE story_id = ? AND members_hash = ? AND version = ?",
                                (story_id, members_hash, version)).fetchone()
        return str(row[0]) if row else None

    def save_report(self, story_id: str, members_hash: str, version: str, report: str,
                    vectors: dict[str, np.ndarray], model: str) -> None:
        with self._transaction():
            self.save_vectors(vectors, model)
            self.conn.execute(
                "INSERT INTO story_reports (story_id, members_hash, version, report, created_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (story_id) DO UPDATE SET members_hash = excluded.members_hash, version = excluded.version,"
                " report = excluded.report, created_at = excluded.created_at",
                (story_id, members_hash, version, report, _now()))

    def count(self, table: str) -> int:
        if table not in ("articles", "sentences", "embeddings", "duplicates", "stories", "story_articles"):
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


def _chunks(items: list[Any], n: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def content_hash(text: str) -> str:
    """Hash of the text with whitespace normalised: the same article re-wrapped is the same text."""
    return text_key(" ".join(text.split()))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def open_store(path: str | os.PathLike[str] | None = None) -> Store:
    return Store(path or default_db_path())
