"""`storycheck watch`: poll feeds and pages, add what is new, check its story, raise alerts.

One cycle:

1. every source is fetched with a conditional request (its ETag and Last-Modified
   from the store), a few at a time; the Fetcher keeps each host's pace and robots.txt;
2. a feed's items whose links were never fetched are fetched and extracted (the
   item's own text is used when it is a whole article, or when its page fails);
   a page is one article;
3. the new articles are added (a source at a time, so Ctrl-C stops between them);
4. each story that received articles is checked, and the newcomers' alerts are
   stored and emitted; only then are the items marked as seen, so a crash before
   that point makes the next cycle check them again (alerts are never repeated:
   their ids are hashes of what they say).

A source that fails is reported, waits a growing number of cycles, and is tried
again; it never stops the others.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .._exceptions import InputError
from .._types import Article
from ..ingest import (
    Fetched,
    Fetcher,
    FetchError,
    FetchOptions,
    ReadOptions,
    feed_entries,
    is_feed,
    linked_article,
    page_article,
)
from ..store import Store
from ._alerts import AlertOptions, story_alerts

#: An item whose feed text is at least this long is taken as the whole article and its page
#: is not fetched: feeds that carry full text (content:encoded) spare the site a request.
FULL_TEXT_CHARS = 1500
#: Longest wait, in seconds, before a failing source is tried again.
MAX_BACKOFF = 3600.0
#: Articles added per store transaction batch inside a cycle: Ctrl-C waits for at most one batch.
ADD_CHUNK = 32
#: Cycles in a row an item's page may fail (timeouts, 5xx) before the item is given up on: five
#: rides out an outage of several polls; after that the feed may be conditional again.
MAX_ITEM_TRIES = 5


#: A progress bar for one step: ``steps(label, total)`` is a context giving a ``tick(n)``.
Steps = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


def _quiet(label: str, total: int) -> AbstractContextManager[Callable[[int], None]]:
    return nullcontext(lambda n: None)


@dataclass(frozen=True)
class WatchOptions:
    #: Seconds between the starts of two cycles: five minutes follows a news feed closely
    #: without asking a site more often than its feed usually changes.
    every: float = 300.0
    #: Requests in flight at once (to different hosts; each host keeps its own pace).
    workers: int = 8
    fetch: FetchOptions = field(default_factory=FetchOptions)
    alerts: AlertOptions = field(default_factory=AlertOptions)
    read: ReadOptions = field(default_factory=ReadOptions)


@dataclass
class CycleResult:
    sources: int = 0
    not_modified: int = 0
    failed: int = 0
    skipped: int = 0  # failing sources left to rest this cycle
    items: int = 0  # feed items and pages fetched this cycle
    added: int = 0
    alerts: int = 0
    stories: int = 0  # stories checked
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.sources} source(s): {self.not_modified} unchanged, {self.failed} failed"
                + (f", {self.skipped} resting" if self.skipped else "")
                + f"; {self.items} item(s) fetched, {self.added} article(s) added, {self.stories} story(ies) "
                  f"checked, {self.alerts} alert(s) in {self.seconds:.1f} s")


@dataclass
class _Item:
    """One thing to add: its key (the item link, or the page's URL and article id) and the article."""

    key: str
    source: str
    article: Article | None  # None: the item has nothing to add (empty page, no text): remember it anyway


class Watcher:
    """Polls ``sources`` into ``store``; ``emit`` gets each new alert, ``log`` one-line notes."""

    def __init__(self, sources: Sequence[str], store: Store, options: WatchOptions | None = None, *,
                 emit: Callable[[dict[str, Any]], None] = lambda a: None,
                 log: Callable[[str], None] = lambda m: None, fetcher: Fetcher | None = None,
                 steps: Steps | None = None) -> None:
        self.sources = list(dict.fromkeys(sources))
        self.store = store
        self.options = options or WatchOptions()
        self.emit, self.log = emit, log
        self.steps: Steps = steps or _quiet  # a progress bar per long step (the CLI's on stderr)
        self.fetcher = fetcher or Fetcher(self.options.fetch)
        self.stop = threading.Event()  # set by Ctrl-C: the cycle ends at the next article or story
        self._states: dict[str, dict[str, Any]] = {}

    # -- one cycle --------------------------------------------------------------
    def cycle(self) -> CycleResult:
        t0 = time.perf_counter()
        res = CycleResult(sources=len(self.sources))
        # read here, in the store's thread: the fetching threads never touch the store
        self._states = {u: self.store.source_state(u) or {} for u in self.sources}
        due = [u for u in self.sources if self._due(u)]
        res.skipped = len(self.sources) - len(due)
        fetched = self._map(self._poll, due)
        items: list[_Item] = []
        linked: list[tuple[str, str, Article]] = []  # (source, key, feed entry) of unseen feed items
        answered: dict[str, Fetched] = {}
        for url, got in zip(due, fetched, strict=True):
            if self.stop.is_set():
                break
            if isinstance(got, Exception):
                self._failed(url, got, res)
                continue
            if got.status == 304:
                res.not_modified += 1
                self.store.save_source_state(url)
                continue
            try:
                if is_feed(got):
                    linked += self._unseen(url, got)
                else:
                    items += self._page_item(url, got)
            except InputError as exc:
                self._failed(url, exc, res)
                continue
            answered[url] = got
        res.items = len(linked) + len(items)
        items += self._entry_items(linked)
        done = self._add_and_alert(items, res)
        # a source's new validators are kept only once all its items are done: else its next answer
        # would be a 304 and the items left over (a page that failed, a cycle stopped) would be lost
        left = {source for source, key, _ in linked if key not in done} | {it.source for it in items
                                                                            if it.key not in done}
        for url, got in answered.items():
            if url in left:
                self.store.save_source_state(url)
            else:
                self.store.save_source_state(url, etag=got.etag, last_modified=got.last_modified)
        res.seconds = time.perf_counter() - t0
        return res

    def run(self, cycles: int | None = None, on_cycle: Callable[[CycleResult], None] | None = None) -> None:
        """Cycle every ``options.every`` seconds until ``stop`` is set (or ``cycles`` are done)."""
        n = 0
        while not self.stop.is_set():
            start = time.monotonic()
            res = self.cycle()
            n += 1
            if on_cycle:
                on_cycle(res)
            if cycles is not None and n >= cycles:
                return
            self.stop.wait(max(0.0, self.options.every - (time.monotonic() - start)))

    # -- fetching -----------------------------------------------------------------
    def _map(self, fn: Callable[[Any], Any], urls: Sequence[Any]) -> list[Any]:
        if not urls:
            return []
        with ThreadPoolExecutor(max_workers=max(1, min(self.options.workers, len(urls)))) as pool:
            return list(pool.map(fn, urls))

    def _poll(self, url: str) -> Fetched | Exception:
        if self.stop.is_set():
            return InputError("not polled: stopping", source=url)
        state = self._states.get(url) or {}
        try:
            return self.fetcher.get(url, etag=state.get("etag"), last_modified=state.get("last_modified"))
        except Exception as exc:  # noqa: BLE001  a source's failure, whatever it is, must not stop the others
            return exc

    def _due(self, url: str) -> bool:
        """A source that failed ``n`` times in a row rests about ``every * 2**(n-1)`` seconds (at most an hour)."""
        state = self._states.get(url)
        if not state or not state["failures"] or not state["checked_at"]:
            return True
        wait = min(MAX_BACKOFF, self.options.every * 2 ** (state["failures"] - 1))
        last = datetime.fromisoformat(state["checked_at"])
        return datetime.now(UTC) - last >= timedelta(seconds=wait - 1)

    def _failed(self, url: str, exc: Exception, res: CycleResult) -> None:
        res.failed += 1
        message = str(exc) if isinstance(exc, InputError) else f"{url}: {type(exc).__name__}: {exc}"
        res.errors.append(message)
        self.store.save_source_state(url, error=message[:500])
        self.log(f"source failed, tried again later: {message}")

    def _page_item(self, url: str, got: Fetched) -> list[_Item]:
        """A watched page: its article, unless this very text was added before."""
        art = page_article(got, self.options.read)
        key = f"{url}#{art.id}"
        return [] if self.store.seen_items([key]) else [_Item(key, url, art)]

    def _unseen(self, url: str, got: Fetched) -> list[tuple[str, str, Article]]:
        entries = feed_entries(got, self.options.read)
        keys = [e.url or f"{url}#{e.id}" for e in entries]
        seen = self.store.seen_items(keys)
        return [(url, k, e) for k, e in dict(zip(keys, entries, strict=True)).items() if k not in seen]

    def _entry_items(self, linked: list[tuple[str, str, Article]]) -> list[_Item]:
        """Each unseen feed item's article: its linked page, fetched host by host in turn (so that
        one host's pace does not hold up the others), or the item's own text."""
        wanted = _by_host_in_turn([e for _, _, e in linked if e.url and len(e.text) < FULL_TEXT_CHARS])
        got = dict(zip((id(e) for e in wanted), self._map(self._article_of, wanted), strict=True))
        out = []
        for source, key, entry in linked:
            art = got.get(id(entry), entry)
            if isinstance(art, Article):
                out.append(_Item(key, source, art if art.text.strip() else None))
            elif isinstance(art, FetchError) and art.retryable and not self.stop.is_set():
                tries = self.store.item_failed(key, source)
                if tries < MAX_ITEM_TRIES:
                    self.log(f"item failed, tried again next cycle ({tries} of {MAX_ITEM_TRIES}): {art}")
                else:
                    self.log(f"item given up after {tries} tries: {art}")
                    out.append(_Item(key, source, entry if entry.text.strip() else None))  # its feed text, if any
            elif isinstance(art, FetchError) and art.retryable:
                pass  # not fetched because the watch is stopping: the next run tries it
            else:
                self.log(f"item skipped, nothing to add: {art}")
                out.append(_Item(key, source, None))
        return out

    def _article_of(self, entry: Article) -> Article | Exception:
        if self.stop.is_set():
            return FetchError("not fetched: stopping", source=entry.url or "", retryable=True)
        try:
            return linked_article(entry, self.fetcher, self.options.read)
        except Exception as exc:  # noqa: BLE001  one item's failure must not stop its feed
            return exc

    # -- adding and alerting --------------------------------------------------------
    def _add_and_alert(self, items: list[_Item], res: CycleResult) -> set[str]:
        """Add the items' articles, check their stories, store and emit the alerts; returns the keys done."""
        from .._pipeline import add, check_stored_story

        with_article = [it for it in items if it.article is not None]
        done: list[_Item] = [it for it in items if it.article is None]
        added: list[_Item] = []
        with self.steps("adding", len(with_article)) as tick:
            for k in range(0, len(with_article), ADD_CHUNK):
                if self.stop.is_set():
                    break
                chunk = with_article[k:k + ADD_CHUNK]
                res.added += add([it.article for it in chunk if it.article is not None], store=self.store,
                                 read_options=self.options.read).added
                added += chunk
                tick(len(chunk))
        # every added item's article, new or already stored: an article stored by a cycle that stopped
        # before its story was checked is checked now (alerts already raised are not raised again)
        home = self.store.stories_of(it.article.id for it in added if it.article is not None)
        stories: dict[str, list[str]] = {}
        for aid, sid in home.items():
            stories.setdefault(sid, []).append(aid)
        checked: set[str] = set()
        with self.steps("checking stories", len(stories)) as tick:
            for sid, aids in stories.items():
                if self.stop.is_set():
                    break
                doc = check_stored_story(self.store, sid)
                res.stories += 1
                new = self.store.save_alerts(story_alerts(doc, aids, self.options.alerts))
                res.alerts += len(new)
                for alert in new:
                    self.emit(alert)
                checked |= set(aids)
                tick(1)
        # seen once its story is checked; a near-duplicate (linked, in no story) has nothing to check
        done += [it for it in added
                 if it.article is not None and (it.article.id in checked or it.article.id not in home)]
        self.store.mark_items([(it.key, it.source, it.article.id if it.article else None) for it in done])
        return {it.key for it in done}


def _by_host_in_turn(entries: list[Article]) -> list[Article]:
    """The entries reordered one host at a time, round after round: the first link of every host,
    then the second of every host…; the fetching threads then rarely wait on a host's pace."""
    from urllib.parse import urlsplit

    hosts: dict[str, list[Article]] = {}
    for e in entries:
        hosts.setdefault((urlsplit(e.url or "").hostname or "").lower(), []).append(e)
    rounds = max((len(v) for v in hosts.values()), default=0)
    return [q[k] for k in range(rounds) for q in hosts.values() if k < len(q)]
