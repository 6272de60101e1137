"""Poll-cycle time of `storycheck watch`: 50 feeds × 20 items on a local server.

Each feed is served from its own loopback address (127.0.0.2 … 127.0.0.51), so
each is its own host with the default politeness (1 s between two requests to a
host, robots.txt asked for once). The items link to article pages on the same
host; the text is invented (bench/fiction.py).

1. prime: a first cycle adds the 1,000 items (250 stories of 4 articles);
2. nothing new: cycles where every feed answers 304 to its ETag; and the same with
   a server that ignores validators (200, every item already seen);
3. 100 new articles: two new items at the top of every feed, one retelling and one
   with a drifted figure for each of 50 stories; measured from the cycle's start to
   the last alert out (goal < 30 s), with the first alert's time and the alerts by kind.

Usage: python bench/watch.py [--feeds 50] [--items 20]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]
from feedserver import Reply, Route, Site, page, rss  # noqa: E402
from fiction import _OUTLETS, _article, _story  # noqa: E402

T0 = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)


class _Host:
    """One feed's site on its own loopback address (tests/feedserver.py's server): the feed, newest
    first and at most ``keep`` items, answering 304 to its current ETag while ``validators`` is on,
    and the article pages."""

    def __init__(self, name: str, keep: int, address: str) -> None:
        self.name, self.keep = name, keep
        self.items: list[tuple[str, str, datetime, str]] = []  # newest first: (title, link, published, summary)
        self.version = 0
        self.validators = True
        self.site = Site(address)
        self.site.routes["/feed.xml"] = self._feed

    def publish(self, art: dict) -> None:
        path = f"/a/{art['id']}"
        when = datetime.fromisoformat(art["published"].replace("Z", "+00:00"))
        sentences = [x + "." for x in art["text"].rstrip(".").split(". ")]
        self.site.routes[path] = Route(page(art["title"], art["outlet"], when, sentences).encode())
        self.items.insert(0, (art["title"], self.site.url(path), when, art["text"][:120] + "…"))
        del self.items[self.keep:]
        self.version += 1

    def _feed(self, request: BaseHTTPRequestHandler) -> Reply:
        etag = f'"v{self.version}"'
        if self.validators and request.headers.get("If-None-Match") == etag:
            return 304, {}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": etag if self.validators else ""}, \
            rss(self.name, self.items)


def _articles(rnd: random.Random, stories: int, per_story: int) -> tuple[list[dict], list[dict]]:
    """The primed articles and, per story, its facts (for later retellings and drifts)."""
    arts, facts = [], []
    for sid in range(stories):
        story = _story(rnd, sid)
        story["date"] = (T0 - timedelta(days=1)).strftime("%Y-%m-%d")
        facts.append(story)
        arts += [_article(rnd, story, sid, j) for j in range(per_story)]
    return arts, facts


def run(feeds: int = 50, items: int = 20, nothing_new_cycles: int = 5) -> dict:
    import os

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from storycheck.store import open_store
    from storycheck.watch import Watcher, WatchOptions

    rnd = random.Random(7)
    per_story = 4
    stories = feeds * items // per_story
    primed, facts = _articles(rnd, stories, per_story)
    out: dict = {"feeds": feeds, "items_per_feed": items, "primed_articles": len(primed), "stories": stories,
                 "host_delay_s": WatchOptions().fetch.host_delay, "workers": WatchOptions().workers}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        hosts = [_Host(f"Feed {k:02d}", items, f"127.0.0.{k + 2}") for k in range(feeds)]
        for h in hosts:
            stack.callback(h.site.close)
        for k, art in enumerate(primed):  # round robin: a story's articles spread over several feeds
            art["outlet"] = f"{_OUTLETS[k % len(_OUTLETS)]} {k % feeds:02d}"
            hosts[k % feeds].publish(art)
        bases = [h.site.url("/feed.xml") for h in hosts]
        alerts: list[tuple[float, dict]] = []
        store = stack.enter_context(open_store(str(Path(tmp) / "watch.db")))
        w = Watcher(bases, store, WatchOptions(), emit=lambda a: alerts.append((time.perf_counter(), a)))
        t = time.perf_counter()
        first = w.cycle()
        out["prime"] = {"seconds": round(time.perf_counter() - t, 1), "added": first.added,
                        "stories_checked": first.stories, "alerts": first.alerts, "failed": first.failed}
        print(f"prime: {out['prime']}", file=sys.stderr)
        runs = []
        for _ in range(nothing_new_cycles):
            time.sleep(1.0)  # a real watch waits minutes: each host's pace has long recovered
            r = w.cycle()
            assert r.added == 0 and r.failed == 0, r
            runs.append(r.seconds)
        out["nothing_new_304"] = {"median_s": round(statistics.median(runs), 3), "runs": [round(x, 3) for x in runs],
                                  "goal_s": 2.0}
        for h in hosts:
            h.validators = False
        runs = []
        for _ in range(nothing_new_cycles):
            time.sleep(1.0)
            r = w.cycle()
            assert r.added == 0 and r.failed == 0, r
            runs.append(r.seconds)
        out["nothing_new_no_validators"] = {"median_s": round(statistics.median(runs), 3),
                                            "runs": [round(x, 3) for x in runs], "goal_s": 2.0}
        for h in hosts:
            h.validators = True
        # 100 new articles: per chosen story one retelling and one with a drifted figure
        chosen = rnd.sample(range(stories), feeds)
        fresh = []
        for k, sid in enumerate(chosen):
            story = facts[sid]
            same = _article(rnd, story, sid, per_story)
            drifted = _article(rnd, {**story, "n": story["n"] + 9, "m": story["m"] + 5}, sid, per_story + 1)
            for j, art in enumerate((same, drifted)):
                art["id"] += "-new"
                art["published"] = (T0 + timedelta(hours=1, minutes=j)).strftime("%Y-%m-%dT%H:%M:%SZ")
                art["outlet"] = f"Late Desk {k:02d}{'b' if j else 'a'}"
                fresh.append(art)
        for k, art in enumerate(fresh):
            hosts[k // 2].publish(art)
        time.sleep(1.0)
        alerts.clear()
        t = time.perf_counter()
        r = w.cycle()
        total = time.perf_counter() - t
        kinds: dict[str, int] = {}
        for _, a in alerts:
            kinds[a["kind"]] = kinds.get(a["kind"], 0) + 1
        drifted_ids = {a["id"] for a in fresh if a["outlet"].endswith("b")}
        # which article raised each alert: the page path holds the invented article's id
        by_article: dict[str, list[str]] = {}
        for _, a in alerts:
            by_article.setdefault((a.get("url") or "").rsplit("/", 1)[-1], []).append(a["kind"])
        faithful = {a["id"] for a in fresh} - drifted_ids
        # stories that hold articles of more than one invented event (a grouping error)
        events: dict[str, set[str]] = {}
        for art_id, sid in store.stories_of(store.feature_ids()).items():
            a = store.get_article(art_id)
            events.setdefault(sid, set()).add((a.url or "").rsplit("/", 1)[-1].split("-")[0] if a else "")
        merged = {sid for sid, ev in events.items() if len(ev) > 1}
        faithful_alerts = [a for _, a in alerts if (a.get("url") or "").rsplit("/", 1)[-1] in faithful]
        out["new_100"] = {"added": r.added, "stories_checked": r.stories, "alerts": r.alerts, "by_kind": kinds,
                          "cycle_s": round(total, 1),
                          "first_alert_s": round(alerts[0][0] - t, 1) if alerts else None,
                          "last_alert_s": round(alerts[-1][0] - t, 1) if alerts else None,
                          "drifted_articles": len(drifted_ids),
                          "drifted_with_contradiction": sum(1 for i in drifted_ids
                                                            if "contradiction" in by_article.get(i, [])),
                          "faithful_with_alert": sum(1 for i in faithful if by_article.get(i)),
                          "faithful_articles": len(faithful),
                          "faithful_alerts": len(faithful_alerts),
                          "faithful_alerts_in_merged_stories": sum(a["story"] in merged for a in faithful_alerts),
                          "faithful_alerts_headline": sum(a["kind"] == "headline_unsupported"
                                                          for a in faithful_alerts),
                          "merged_stories": len(merged), "goal_s": 30.0}
        print(f"new: {out['new_100']}", file=sys.stderr)
        out["hits"] = sum(len(h.site.hits) for h in hosts)
    return out


def table(d: dict) -> list[str]:
    n = d["new_100"]
    return [
        f"{d['feeds']} feeds × {d['items_per_feed']} items, each feed its own host on 127.0.0.x, default politeness "
        f"({d['host_delay_s']} s between two requests to a host, robots.txt asked once), {d['workers']} fetching "
        "threads; invented articles (bench/fiction.py), a SQLite store.", "",
        "| cycle | time | goal |", "|---|---|---|",
        f"| nothing new, every feed answers 304 (median of {len(d['nothing_new_304']['runs'])}) | "
        f"{d['nothing_new_304']['median_s']:.2f} s | < 2 s |",
        f"| nothing new, a server without validators (200, all items seen) | "
        f"{d['nothing_new_no_validators']['median_s']:.2f} s | < 2 s |",
        f"| {n['added']} new articles in {n['stories_checked']} stories: last alert out | {n['last_alert_s']} s "
        f"(first {n['first_alert_s']} s; cycle {n['cycle_s']} s) | < 30 s |",
        f"| first cycle, {d['prime']['added']} articles added and {d['prime']['stories_checked']} stories checked "
        f"| {d['prime']['seconds']} s | |", "",
        f"Alerts from the {n['added']} new articles: {n['alerts']} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(n['by_kind'].items()))}). Of the {n['drifted_articles']} "
        f"articles that drift two figures of their story, {n['drifted_with_contradiction']} raised a contradiction; "
        f"of the {n['faithful_articles']} faithful retellings, {n['faithful_with_alert']} raised any alert.", "",
        f"The first cycle raised {d['prime']['alerts']} alerts on articles that agree within each invented story. "
        f"Grouping made {d['prime']['stories_checked']} stories of the {d['stories']}, and {n['merged_stories']} "
        "stories hold articles of two or more invented events: events of one kind share every template sentence "
        "(only towns, names and figures differ), and inside such a story the events contradict each other. Of the "
        f"{n['faithful_alerts']} alerts on faithful retellings, {n['faithful_alerts_in_merged_stories']} are in such "
        f"merged stories and {n['faithful_alerts_headline']} are headline alerts.", ""]


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=50)
    ap.add_argument("--items", type=int, default=20)
    a = ap.parse_args()
    print(json.dumps(run(a.feeds, a.items), indent=1))
