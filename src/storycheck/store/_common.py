"""The store, one code path over two engines: SQLite (the default, one file) and
PostgreSQL (selected by a ``postgresql://`` URL). SQL is written once, in the
dialect both share; ``_PG_SQL`` rewrites the few words PostgreSQL spells differently."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .._records import LEAD_CHARS, ArticleFeatures, Batch, StoryUpdate, Vocabulary, band_keys, content_hash, lead_text
from .._types import Article, Sentence
from ..embed import text_key


def _migrations() -> list[tuple[int, str, str]]:
    files = sorted(
        (f for f in resources.files("storycheck.store").joinpath("migrations").iterdir() if f.name.endswith(".sql")),
        key=lambda f: f.name,
    )
    return [(int(f.name.split("_", 1)[0]), f.name, f.read_text(encoding="utf-8")) for f in files]


SCHEMA_VERSION = max(v for v, _, _ in _migrations())
#: Characters of an article's text read per character of its lead, to rebuild the lead of a stored
#: article (whitespace collapses; a text whose opening is mostly whitespace is read whole).
_LEAD_SAMPLE = 4


def default_db_path() -> Path | str:
    """$STORYCHECK_DB (a path or a postgresql:// URL), else storycheck.db in the user data dir (platformdirs)."""
    env = os.environ.get("STORYCHECK_DB")
    if env:
        return env if is_url(env) else Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("storycheck", appauthor=False)) / "storycheck.db"


class Store:
    """Articles, sentences, embeddings, grouping features and stories.

    Subclasses open the connection and say how transactions and a few SQL words
    differ; every query below is shared.
    """

    path: Path | str  # what the user gave: a file path or a URL (password hidden)
    conn: Any  # a DB-API connection (sqlite3 or psycopg), opened by the subclass

    # -- engine hooks -----------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql

    def _transaction(self) -> Any:
        raise NotImplementedError

    def _concat(self, expr: str) -> str:
        """Distinct values of a column joined by commas."""
        return f"GROUP_CONCAT(DISTINCT {expr})"

    def _x(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self._sql(sql), params)

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.conn.cursor().executemany(self._sql(sql), rows)

    # -- schema ---------------------------------------------------------------
    def schema_version(self) -> int:
        self._x("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TEXT NOT NULL)")
        row = self._x("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def _ddl(self, sql: str) -> str:
        return sql

    def migrate(self) -> None:
        with self._transaction():
            self._lock_schema()
            self.schema_version()  # creates the table of applied migrations
            applied = {int(v) for (v,) in self._x("SELECT version FROM schema_migrations").fetchall()}
            for version, name, sql in _migrations():
                if version in applied:  # by number, not 'up to the highest': each one is applied once
                    continue
                code = "\n".join(ln.split("--", 1)[0] for ln in sql.splitlines())
                for stmt in (s.strip() for s in code.split(";")):
                    if stmt:
                        self._x(self._ddl(stmt))
                self._after_migration(name)
                self._x("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        (version, name, _now()))

    def _after_migration(self, name: str) -> None:
        """What a migration needs beyond SQL, keyed by its name without the number (renumbering keeps it)."""
        if name.split("_", 1)[-1] == "language.sql":
            self._fill_languages()

    def _fill_languages(self, chunk: int = 500) -> None:
        """Detect the language of articles stored without one (a store from before the column), in place."""
        from ..lang import article_language

        ids = [a for (a,) in self._x("SELECT id FROM articles WHERE language IS NULL ORDER BY id").fetchall()]
        for part in _chunks(ids, chunk):
            rows = list(self._rows_in("SELECT id, title, text FROM articles WHERE id IN ({marks})", part))
            self._many("UPDATE articles SET language = ? WHERE id = ?",
                       [(lang, aid) for aid, title, text in rows
                        if (lang := article_language(title, text)) is not None])

    def _lock_schema(self) -> None:
        """Two processes opening a new database at once must not both migrate it."""

    # -- articles -------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self._x("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def save_vectors(self, vectors: dict[str, np.ndarray], model: str) -> None:
        self._many(
            "INSERT INTO embeddings (text_hash, model, dim, vector) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(k, model, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()],
        )

    def load_vectors(self, keys: Iterable[str], model: str) -> dict[str, np.ndarray]:
        return {k: np.frombuffer(blob, dtype=np.float32) for k, blob in self._rows_in(
            "SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})", keys, model)}

    def get_article(self, article_id: str) -> Article | None:
        row = self._x(
            "SELECT id, text, title, outlet, url, published, path, language FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        art = Article(id=row[0], text=row[1], title=row[2], outlet=row[3], url=row[4], published=row[5], path=row[6],
                      language=row[7])
        art.sentences = [
            Sentence(index=i, start=a, end=b, text=t)
            for i, a, b, t in self._x(
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
        n = int(self._x("SELECT COUNT(*) FROM article_features").fetchone()[0])
        return Vocabulary(n, dict(self._x("SELECT term, df FROM term_df")))

    def _rows_in(self, sql: str, keys: Iterable[Any], *before: Any) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` (whose ``{marks}`` is the placeholder list) for keys, 500 at a time."""
        for chunk in _chunks(list(dict.fromkeys(keys))):
            yield from self._x(sql.format(marks=",".join("?" * len(chunk))), [*before, *chunk]).fetchall()

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

    def load_minhashes(self, ids: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored MinHash signature of each described article: all a near-duplicate test reads
        (the whole features of every band candidate cost ~30× the memory)."""
        return {aid: np.frombuffer(mh, dtype=np.uint64)
                for aid, mh in self._rows_in("SELECT article_id, minhash FROM article_features"
                                             " WHERE article_id IN ({marks})", ids)}

    def block_candidates(self, terms: Iterable[str], max_postings: int) -> dict[str, list[str]]:
        """Stored articles per block term, leaving out terms too common to be distinctive.

        The common terms are counted and left out by the database, not read: their postings
        grow with the archive, and reading them made a batch's memory grow with it too."""
        return self._grouped(
            "SELECT term, article_id FROM block_postings WHERE term IN (SELECT term FROM block_postings"
            f" WHERE term IN ({{marks}}) GROUP BY term HAVING COUNT(*) <= {int(max_postings)})", terms)

    def load_features(self, ids: Iterable[str], model: str, lead_chars: int = LEAD_CHARS) -> list[ArticleFeatures]:
        """Stored grouping features with the article's stored language and its lead text (what the lead
        vector embeds, which the multilingual space embeds too): grouping a stored article is grouping
        the article that was described, whichever process described it."""
        rows = self._rows_in(
            "SELECT f.article_id, f.terms, f.names, f.lead_hash, f.day, f.minhash, e.vector, a.language, a.title,"
            f" SUBSTR(a.text, 1, {_LEAD_SAMPLE * lead_chars}) FROM article_features f"
            " JOIN articles a ON a.id = f.article_id"
            " LEFT JOIN embeddings e ON e.text_hash = f.lead_hash AND e.model = ? WHERE f.article_id IN ({marks})",
            ids, model)
        out = []
        for aid, t, nm, lead_hash, d, mh, v, lang, title, opening in rows:
            lead = lead_text(title, opening, lead_chars)
            if text_key(lead) != lead_hash:  # an opening mostly whitespace: the whole text says
                lead = lead_text(title, self._x("SELECT text FROM articles WHERE id = ?", (aid,)).fetchone()[0],
                                 lead_chars)
            out.append(ArticleFeatures(aid, json.loads(t), json.loads(nm), lead, date.fromisoformat(d) if d else None,
                                       np.frombuffer(mh, dtype=np.uint64),
                                       np.frombuffer(v, dtype=np.float32) if v else None, lang))
        return out

    def feature_ids(self) -> list[str]:
        """Every described article, in the order it was stored."""
        return [
            a
            for (a,) in self._x(
                "SELECT f.article_id FROM article_features f JOIN articles a ON a.id = f.article_id"
                " ORDER BY a.added_at, f.article_id"
            ).fetchall()
        ]

    def stories_of(self, ids: Iterable[str]) -> dict[str, str]:
        return dict(self._rows_in("SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})", ids))

    def story_members(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        return self._grouped("SELECT story_id, article_id FROM story_articles WHERE story_id IN ({marks})", story_ids)

    def write_articles(self, batch: Batch, model: str) -> list[str]:
        """One transaction: new articles, their features, duplicate links and vectors.

        Safe with concurrent writers: an article another writer stored meanwhile is
        skipped whole (its id is unique), so nothing is counted or stored twice.
        Returns the ids this call stored.
        """
        now = _now()
        stored: list[str] = []
        with self._transaction():
            mine = set()
            df: Counter[str] = Counter()
            for a in batch.articles:
                if self._insert_article(a, now):
                    mine.add(a.id)
                    stored.append(a.id)
            for f in batch.features:
                if f.id not in mine:
                    continue
                self._x(
                    "INSERT INTO article_features (article_id, terms, names, lead_hash, day, minhash)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        f.id,
                        json.dumps(f.terms, ensure_ascii=False),
                        json.dumps(f.names, ensure_ascii=False),
                        text_key(f.lead),
                        f.day.isoformat() if f.day else None,
                        np.asarray(f.minhash, np.uint64).tobytes(),
                    ),
                )
                self._many("INSERT INTO minhash_bands (band_key, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                           [(k, f.id) for k in band_keys(f.minhash)])
                df.update(set(f.terms) | {"@" + n for n in f.names})
            # one sorted write for the whole batch: concurrent writers then lock term rows in one order (a
            # sort per article still let two workers' batches take them crosswise and deadlock on PostgreSQL)
            self._many(
                "INSERT INTO term_df (term, df) VALUES (?, ?)"
                " ON CONFLICT (term) DO UPDATE SET df = term_df.df + excluded.df",
                sorted(df.items()),
            )
            for d in batch.duplicates:
                self._x(
                    "INSERT INTO duplicates (id, original_id, resemblance, title, outlet, url, published, path,"
                    " added_sentences, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (d.article.id, d.original, d.resemblance, d.article.title, d.article.outlet, d.article.url,
                     d.article.published, d.article.path, json.dumps(d.added, ensure_ascii=False), now),
                )
            self.save_vectors(batch.vectors, model)
        return stored

    def write_stories(self, update: StoryUpdate) -> None:
        """One transaction: block terms of the grouped articles and the stories that changed."""
        now = _now()
        with self._transaction():
            self._many("INSERT INTO block_postings (term, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                       [(t, aid) for aid, ts in update.blocks.items() for t in ts])
            if update.dropped_stories:
                self._many("DELETE FROM stories WHERE id = ?", [(s,) for s in update.dropped_stories])
            for sid, members in update.stories.items():
                self._x("INSERT INTO stories (id, created_at, updated_at) VALUES (?, ?, ?)"
                        " ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at", (sid, now, now))
                self._many(
                    "INSERT INTO story_articles (article_id, story_id) VALUES (?, ?)"
                    " ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id",
                    [(a, sid) for a in members])

    def unassigned(self, limit: int) -> list[str]:
        """Described articles without a story yet (a crash between the two phases, or workers' output)."""
        return [a for (a,) in self._x(
            "SELECT f.article_id FROM article_features f LEFT JOIN story_articles sa ON sa.article_id = f.article_id"
            " JOIN articles a ON a.id = f.article_id WHERE sa.article_id IS NULL"
            " ORDER BY a.published IS NULL, a.published, f.article_id LIMIT ?", (limit,)).fetchall()]

    def _insert_article(self, a: Article, now: str) -> bool:
        cur = self._x(
            "INSERT INTO articles (id, content_hash, title, outlet, url, published, path, text, added_at, language)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (a.id, content_hash(a.text), a.title, a.outlet, a.url, a.published, a.path, a.text, now, a.language),
        )
        if cur.rowcount == 0:
            return False
        self._many(
            "INSERT INTO sentences (article_id, idx, start_char, end_char, text, text_hash) VALUES (?, ?, ?, ?, ?, ?)",
            [(a.id, s.index, s.start, s.end, s.text, text_key(s.text)) for s in a.sentences],
        )
        return True

    # -- reading stories --------------------------------------------------------
    def _story_filter(self, query: str | None, since: str | None, until: str | None,
                      min_size: int | None) -> tuple[str, list[Any]]:
        where: list[str] = []
        having: list[str] = []
        args: list[Any] = []
        if query:
            where.append("sa.story_id IN (SELECT sa2.story_id FROM story_articles sa2 JOIN articles a2"
                         " ON a2.id = sa2.article_id WHERE LOWER(a2.title) LIKE ? OR LOWER(a2.outlet) LIKE ?"
                         " OR LOWER(a2.text) LIKE ?)")
            args += [f"%{query.lower()}%"] * 3
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
        return int(self._x(f"SELECT COUNT(*) FROM (SELECT sa.story_id{sql}) AS s", args).fetchone()[0])

    def list_stories(self, limit: int | None = None, offset: int = 0, query: str | None = None,
                     since: str | None = None, until: str | None = None,
                     min_size: int | None = None) -> list[dict[str, Any]]:
        """Stories, biggest first: size, outlets, languages, first and last date, headline (the earliest title)."""
        sql, args = self._story_filter(query, since, until, min_size)
        sql = ("SELECT sa.story_id, COUNT(*) AS size, MIN(a.published), MAX(a.published), " + self._concat("a.outlet")
               + ", " + self._concat("a.language") + sql + " ORDER BY size DESC, MAX(a.published) DESC, sa.story_id")
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        page = self._x(sql, args).fetchall()
        ids = [r[0] for r in page]
        # two queries for the whole page, not two per story: exports list thousands
        dup_outlets = self._grouped("SELECT sa.story_id, d.outlet FROM duplicates d JOIN story_articles sa"
                                    " ON sa.article_id = d.original_id WHERE sa.story_id IN ({marks})", ids)
        heads: dict[Any, tuple[Any, ...]] = {}
        for sid, title, text, _, _ in self._rows_in(
                "SELECT sa.story_id, a.title, a.text, a.published, a.id FROM story_articles sa JOIN articles a"
                " ON a.id = sa.article_id WHERE sa.story_id IN ({marks})"
                " ORDER BY sa.story_id, a.published IS NULL, a.published, a.id", ids):
            heads.setdefault(sid, (title, text))
        out = []
        for sid, size, first, last, outlets, languages in page:
            dups = dup_outlets.get(sid, [])
            head = heads.get(sid)
            names = sorted((set((outlets or "").split(",")) | set(dups)) - {"", None})
            out.append(
                {
                    "id": sid,
                    "size": size + len(dups),
                    "articles": size,
                    "duplicates": len(dups),
                    "outlets": names,
                    "languages": sorted(set((languages or "").split(",")) - {""}),
                    "first_published": first,
                    "last_published": last,
                    "headline": (head[0] or " ".join(head[1].split())[:100]) if head else None,
                }
            )
        return out

    def story_articles(self, story_id: str) -> list[Article]:
        ids = [a for (a,) in self._x(
            "SELECT sa.article_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = ?"
            " ORDER BY a.published IS NULL, a.published, a.id", (story_id,))]
        return [a for a in (self.get_article(i) for i in ids) if a is not None]

    def story_duplicates(self, story_id: str) -> list[dict[str, Any]]:
        rows = self._x(
            "SELECT d.id, d.original_id, d.resemblance, d.title, d.outlet, d.url, d.published, d.added_sentences"
            " FROM duplicates d JOIN story_articles sa ON sa.article_id = d.original_id WHERE sa.story_id = ?"
            " ORDER BY d.published IS NULL, d.published, d.id", (story_id,)).fetchall()
        return [{"id": r[0], "original": r[1], "resemblance": r[2], "title": r[3], "outlet": r[4], "url": r[5],
                 "published": r[6], "added_sentences": json.loads(r[7])} for r in rows]

    def find_story(self, prefix: str) -> str | None:
        """A story id from its id or an unambiguous prefix, or from one of its article ids."""
        rows = self._x("SELECT id FROM stories WHERE id LIKE ? LIMIT 2", (prefix + "%",)).fetchall()
        if len(rows) == 1:
            return str(rows[0][0])
        row = self._x("SELECT story_id FROM story_articles WHERE article_id = ?", (prefix,)).fetchone()
        return str(row[0]) if row else None

    def cached_report(self, story_id: str, members_hash: str, version: str) -> str | None:
        row = self._x("SELECT report FROM story_reports WHERE story_id = ? AND members_hash = ? AND version = ?",
                                (story_id, members_hash, version)).fetchone()
        return str(row[0]) if row else None

    def last_report(self, story_id: str, version: str) -> tuple[str, str] | None:
        """The story's last stored check by this code version, whatever articles it had: (members hash, report)."""
        row = self._x("SELECT members_hash, report FROM story_reports WHERE story_id = ? AND version = ?",
                      (story_id, version)).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    def save_report(self, story_id: str, members_hash: str, version: str, report: str,
                    vectors: dict[str, np.ndarray], model: str) -> None:
        with self._transaction():
            self.save_vectors(vectors, model)
            self._x(
                "INSERT INTO story_reports (story_id, members_hash, version, report, created_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (story_id) DO UPDATE SET members_hash = excluded.members_hash,"
                " version = excluded.version,"
                " report = excluded.report, created_at = excluded.created_at",
                (story_id, members_hash, version, report, _now()),
            )

    # -- watch ----------------------------------------------------------------
    def save_alerts(self, alerts: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Store alerts (each with ``id``, ``kind``, ``story``, ``article``, ``sentence``, ``created``);
        returns those that were new: an alert already stored is never stored or returned twice."""
        new = []
        with self._transaction():
            for a in alerts:
                cur = self._x("INSERT INTO alerts (id, kind, story_id, article_id, sentence, created_at, alert)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                              (a["id"], a["kind"], a.get("story"), a["article"], a.get("sentence"), a["created"],
                               json.dumps(a, ensure_ascii=False)))
                if cur.rowcount:
                    new.append(a)
        return new

    def _alert_filter(self, since: str | None, kinds: Sequence[str], story: str | None) -> tuple[str, list[Any]]:
        where, args = [], []
        if since:
            where.append("created_at >= ?")
            args.append(since)
        if kinds:
            where.append("kind IN (" + ", ".join("?" * len(kinds)) + ")")
            args += list(kinds)
        if story:
            where.append("story_id = ?")
            args.append(story)
        return (" WHERE " + " AND ".join(where) if where else ""), args

    def list_alerts(self, since: str | None = None, kinds: Sequence[str] = (), story: str | None = None,
                    limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Alerts, newest first; ``since`` is an ISO time in UTC (alerts at or after it)."""
        where, args = self._alert_filter(since, kinds, story)
        sql = f"SELECT alert FROM alerts{where} ORDER BY created_at DESC, id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [json.loads(r[0]) for r in self._x(sql, args).fetchall()]

    def count_alerts(self, since: str | None = None, kinds: Sequence[str] = (), story: str | None = None) -> int:
        where, args = self._alert_filter(since, kinds, story)
        return int(self._x(f"SELECT COUNT(*) FROM alerts{where}", args).fetchone()[0])

    def source_state(self, url: str) -> dict[str, Any] | None:
        """A watched source's validators (``etag``, ``last_modified``) and poll history, or None."""
        row = self._x("SELECT etag, last_modified, checked_at, ok_at, failures, error FROM watch_sources"
                      " WHERE url = ?", (url,)).fetchone()
        return None if row is None else dict(zip(("etag", "last_modified", "checked_at", "ok_at", "failures",
                                                  "error"), row, strict=True))

    def save_source_state(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                          error: str | None = None) -> None:
        """Record one poll: on success the validators (kept when the answer was 304, given as None);
        on failure the error, counted, with the validators left as they were."""
        now = _now()
        with self._transaction():
            if error is None:
                self._x("INSERT INTO watch_sources (url, etag, last_modified, checked_at, ok_at, failures, error)"
                        " VALUES (?, ?, ?, ?, ?, 0, NULL) ON CONFLICT (url) DO UPDATE SET"
                        " etag = COALESCE(excluded.etag, watch_sources.etag),"
                        " last_modified = COALESCE(excluded.last_modified, watch_sources.last_modified),"
                        " checked_at = excluded.checked_at, ok_at = excluded.ok_at, failures = 0, error = NULL",
                        (url, etag, last_modified, now, now))
            else:
                self._x("INSERT INTO watch_sources (url, checked_at, failures, error) VALUES (?, ?, 1, ?)"
                        " ON CONFLICT (url) DO UPDATE SET checked_at = excluded.checked_at,"
                        " failures = watch_sources.failures + 1, error = excluded.error", (url, now, error))

    def seen_items(self, urls: Iterable[str]) -> set[str]:
        """The feed item links done with (an article stored from them, nothing to store, or given up on)."""
        return {u for (u,) in self._rows_in("SELECT url FROM watch_items WHERE done = 1 AND url IN ({marks})",
                                            urls)}

    def mark_items(self, items: Sequence[tuple[str, str, str | None]]) -> None:
        """Remember feed items as done: (link, source, article id or None)."""
        now = _now()
        with self._transaction():
            self._many("INSERT INTO watch_items (url, source, article_id, seen_at, tries, done)"
                       " VALUES (?, ?, ?, ?, 0, 1) ON CONFLICT (url) DO UPDATE SET done = 1,"
                       " article_id = COALESCE(watch_items.article_id, excluded.article_id),"
                       " seen_at = excluded.seen_at", [(u, s, a, now) for u, s, a in items])

    def item_failed(self, url: str, source: str) -> int:
        """Count a failed try at a feed item's page; returns its tries so far."""
        with self._transaction():
            self._x("INSERT INTO watch_items (url, source, article_id, seen_at, tries, done)"
                    " VALUES (?, ?, NULL, ?, 1, 0) ON CONFLICT (url) DO UPDATE SET tries = watch_items.tries + 1",
                    (url, source, _now()))
        return int(self._x("SELECT tries FROM watch_items WHERE url = ?", (url,)).fetchone()[0])

    def count(self, table: str) -> int:
        if table not in ("articles", "sentences", "embeddings", "duplicates", "stories", "story_articles",
                         "alerts", "watch_sources", "watch_items"):
            raise ValueError(table)
        return int(self._x(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def close(self) -> None:
        self.conn.close()


    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _chunks(items: list[Any], n: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def is_url(target: object) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
