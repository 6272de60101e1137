"""Load test of `storycheck serve`: concurrent clients on loopback, bounded in time.

The server runs as its own process (`python -m storycheck serve`) over a store
seeded with invented stories (bench/fiction.py) whose pages are viewed once
first, so the GETs measure cached pages. Each client then loops until the
deadline, picking a request at random: POST of a new article, POST of a
duplicate (the same id again, or the same text under a new id), GET of the
stories list, of a seeded story page or of a seeded article page. After the run
the store is checked: every accepted article is stored or linked exactly once,
and the counts equal those of adding the same articles one after another into a
fresh store.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fiction import corpus  # noqa: E402

#: Share of each request kind (sums to 1): mostly reads, as a news site gets.
MIX = {"POST new": 0.15, "POST duplicate": 0.10, "GET stories": 0.25, "GET story": 0.25, "GET article": 0.25}
#: p95 goal for cached pages (issue 16).
GOAL_P95_S = 0.3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed_store(target: str, stories: int, seed: int) -> dict[str, Any]:
    """Seed stories into the store; returns their story and article ids."""
    from storycheck import Article, add, open_store

    with open_store(target) as st:
        add([Article(**r) for r in corpus(stories, seed=seed)], store=st)
        rows = st.list_stories(limit=stories * 2)
        members = st.story_members([r["id"] for r in rows])
        return {"stories": [r["id"] for r in rows], "articles": [a for ids in members.values() for a in ids],
                "counts": _counts(st)}


def _counts(st: Any) -> dict[str, int]:
    return {t: st.count(t) for t in ("articles", "duplicates", "stories")}


def start_server(target: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "storycheck", "serve", "--port", str(port), "--db", target],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/favicon.ico", timeout=1).status_code == 204:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start within 60 s")


class _Run:
    """Shared state of one run (one event loop: no locks needed)."""

    def __init__(self, seeded: dict[str, Any], fresh: list[dict[str, Any]], rnd: random.Random) -> None:
        self.seeded, self.fresh, self.rnd = seeded, fresh, rnd
        self.next_fresh = 0
        self.accepted: dict[str, dict[str, Any]] = {}  # id → record, in order of first acceptance
        self.samples: dict[str, list[float]] = {k: [] for k in MIX}
        self.errors: dict[str, list[str]] = {k: [] for k in MIX}
        self.stale: dict[str, int] = {k: 0 for k in MIX}  # pages served from the last check, marked as updating

    def request(self, kind: str) -> tuple[str, str, dict[str, Any] | None]:
        r = self.rnd
        if kind == "POST new" and self.next_fresh < len(self.fresh):
            rec = self.fresh[self.next_fresh]
            self.next_fresh += 1
            return "POST", "/api/articles", rec
        if kind.startswith("POST"):
            if not self.accepted:
                return "GET", "/", None
            rec = r.choice(list(self.accepted.values()))
            if r.random() < 0.5:  # the same article again: "already stored"
                return "POST", "/api/articles", rec
            copy = {**rec, "id": f"{rec['id']}-dup{r.randint(0, 2)}", "outlet": "Wire Digest"}
            return "POST", "/api/articles", copy  # the same text under a new id: a linked duplicate
        if kind == "GET stories":
            return "GET", "/?page=" + str(r.choice([1, 1, 1, 2])), None
        if kind == "GET story":
            return "GET", "/stories/" + r.choice(self.seeded["stories"]), None
        return "GET", "/articles/" + r.choice(self.seeded["articles"]), None


async def _client(run: _Run, http: Any, deadline: float, think: float) -> None:
    kinds, weights = list(MIX), list(MIX.values())
    while time.monotonic() < deadline:
        kind = run.rnd.choices(kinds, weights)[0]
        method, url, body = run.request(kind)
        t = time.perf_counter()
        try:
            resp = await http.request(method, url, json=body)
            ok = resp.status_code < 300
            why = f"HTTP {resp.status_code}: {resp.text[:200]}"
        except Exception as exc:  # a timeout or a dropped connection is an error of the run, not of the client
            ok, why = False, f"{type(exc).__name__}: {exc}"
        run.samples[kind].append(time.perf_counter() - t)
        if not ok:
            run.errors[kind].append(why)
        elif method == "GET" and 'class="updating"' in resp.text:
            run.stale[kind] += 1
        elif body is not None:
            run.accepted.setdefault(body["id"], body)
        if think:
            await asyncio.sleep(run.rnd.uniform(0, 2 * think))


async def _drive(run: _Run, port: int, clients: int, seconds: float, think: float) -> float:
    import httpx

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120, limits=limits) as http:
        t0 = time.monotonic()
        await asyncio.gather(*(_client(run, http, t0 + seconds, think) for _ in range(clients)))
        return time.monotonic() - t0


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return 0.0
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def warm(port: int, seeded: dict[str, Any]) -> float:
    """View every seeded story once, so the run measures cached pages; returns the seconds it took."""
    import httpx

    t = time.perf_counter()
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
        for sid in seeded["stories"]:
            http.get(f"/stories/{sid}").raise_for_status()
    return time.perf_counter() - t


def check_counts(target: str, seeded: dict[str, Any], accepted: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Every accepted id stored or linked once; counts equal a serial add of the same articles."""
    import tempfile

    from storycheck import Article, add, open_store

    with open_store(target) as st:
        got = _counts(st)
        stored = st.known_ids(accepted)
        in_both = len(set(a for (a,) in st._x("SELECT a.id FROM articles a JOIN duplicates d ON d.id = a.id")))
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "ref.db") as ref:
        add([Article(**r) for r in corpus(seeded["n"], seed=seeded["seed"])], store=ref)
        add([Article(**r) for r in accepted.values()], store=ref)
        want = _counts(ref)
    lost = len(set(accepted) - stored)
    return {"accepted_posts_distinct": len(accepted), "lost": lost, "stored_twice": in_both,
            "counts": got, "serial_counts": want,
            "ok": lost == 0 and in_both == 0 and got["articles"] == want["articles"]
            and got["duplicates"] == want["duplicates"]}


def run_load(target: str, *, clients: int = 20, seconds: float = 120, stories: int = 40, think: float = 0.0,
             seed: int = 0) -> dict[str, Any]:
    """One load run against ``target`` (a SQLite path or a PostgreSQL URL of an empty database)."""
    seeded = {**seed_store(target, stories, seed), "seed": seed, "n": stories}
    fresh = [{**r, "id": "new-" + r["id"]} for r in corpus(2000, per_story=3, copy_share=0, seed=seed + 1)]
    port = _free_port()
    proc = start_server(target, port)
    try:
        warm_s = warm(port, seeded)
        run = _Run(seeded, fresh, random.Random(seed))
        # on a thread of its own: the caller may be inside an event loop already (a test after playwright's)
        with ThreadPoolExecutor(1) as pool:
            wall = pool.submit(asyncio.run, _drive(run, port, clients, seconds, think)).result()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    routes = {k: {"requests": len(v), "per_s": len(v) / wall, "p50_ms": _pct(v, 0.5) * 1000,
                  "p95_ms": _pct(v, 0.95) * 1000, "p99_ms": _pct(v, 0.99) * 1000, "errors": len(run.errors[k]),
                  "stale": run.stale[k], "first_errors": run.errors[k][:3]} for k, v in run.samples.items()}
    total = sum(len(v) for v in run.samples.values())
    cached_p95 = max(routes[k]["p95_ms"] for k in ("GET story", "GET article"))
    return {"clients": clients, "seconds": wall, "think_s": think, "seed_stories": len(seeded["stories"]),
            "seed_counts": seeded["counts"], "warm_s": warm_s, "requests": total, "per_s": total / wall,
            "errors": sum(r["errors"] for r in routes.values()), "routes": routes,
            "count_check": check_counts(target, seeded, run.accepted), "cached_p95_ms": cached_p95,
            "goal_cached_p95_ms": GOAL_P95_S * 1000}


def bench_load(clients: int = 20, seconds: float = 120) -> dict[str, Any]:
    """Both stores, one after the other."""
    import tempfile

    import pg

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out["sqlite"] = run_load(str(Path(tmp) / "load.db"), clients=clients, seconds=seconds)
    why = pg.available()
    if why:
        out["postgres"] = {"skipped": why}
    else:
        with pg.server() as url:
            out["postgres"] = run_load(pg.new_database(url, "load"), clients=clients, seconds=seconds)
    out["table"] = table(out)
    return out


def table(out: dict[str, Any]) -> list[str]:
    rows = ["| store | route | requests | per s | p50 | p95 | p99 | errors | served stale |",
            "|---|---|---|---|---|---|---|---|---|"]
    notes = []
    for store in ("sqlite", "postgres"):
        r = out.get(store, {})
        if "routes" not in r:
            notes.append(f"{store}: skipped ({r.get('skipped', 'not run')})")
            continue
        for k, v in r["routes"].items():
            rows.append(f"| {store} | {k} | {v['requests']} | {v['per_s']:.1f} | {v['p50_ms']:.0f} ms | "
                        f"{v['p95_ms']:.0f} ms | {v['p99_ms']:.0f} ms | {v['errors']} | {v.get('stale', 0)} |")
        rows.append(f"| {store} | all | {r['requests']} | {r['per_s']:.1f} | | | | {r['errors']} | |")
        c = r["count_check"]
        p95, goal = r["cached_p95_ms"], r["goal_cached_p95_ms"]
        met = [f"errors {r['errors']} (goal 0)",
               f"lost {c['lost']}, stored twice {c['stored_twice']}, articles {c['counts']['articles']} / duplicates "
               f"{c['counts']['duplicates']} vs serial add {c['serial_counts']['articles']} / "
               f"{c['serial_counts']['duplicates']} ({'equal' if c['ok'] else 'DIFFERENT'})",
               f"p95 of cached story and article pages {p95:.0f} ms (goal < {goal:.0f} ms: "
               f"{'met' if p95 < goal else 'NOT met'})"]
        notes.append(f"{store}: " + "; ".join(met) + ".")
    first = next((out[s] for s in ("sqlite", "postgres") if "routes" in out.get(s, {})), None)
    setup = (f"{first['clients']} concurrent clients for {first['seconds']:.0f} s, think time "
             f"{first['think_s']:.1f} s, each on its own keep-alive connection (httpx.AsyncClient), server "
             f"`python -m storycheck serve` on 127.0.0.1 on the same 2 cores; {first['seed_stories']} seeded "
             "invented stories (bench/fiction.py), each viewed once before; mix "
             + ", ".join(f"{k} {v:.0%}" for k, v in MIX.items()) + ". Served stale: pages answered at once with "
             "the story's last check, marked as updating, while the server checks the story again in the "
             "background (an article joined it since).") if first else ""
    return rows + ["", setup, ""] + notes
