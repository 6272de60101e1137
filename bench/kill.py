"""Kill test of `storycheck add`: SIGKILL at random points, rerun, compare with a clean run.

For each store (SQLite, PostgreSQL) and mode (single process, `--dask local[1]`):
one clean run gives the expected article, duplicate and story counts and the
stories themselves (as sets of article ids). Then, ``kills`` times, a fresh store
gets `storycheck add` started as its own process group, killed with SIGKILL
(the whole group: the driver and its Dask workers) at a random point of its write
phase (a delay after it opened the store, up to the clean run's write phase), and
`add` rerun to the end; the store must then hold what the clean run left.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fiction import corpus  # noqa: E402

MODES = {"single": [], "dask": ["--dask", "local[1]"]}  # one worker: partitions in a fixed order, as the clean run


def write_corpus(path: Path, stories: int, seed: int = 0) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in corpus(stories, seed=seed)))
    return path


def _command(files: Path, target: str, mode: str) -> list[str]:
    return [sys.executable, "-m", "storycheck", "add", str(files), "--db", target, *MODES[mode]]


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_NUM_THREADS": "1"}


def state(target: str) -> dict[str, Any]:
    """Counts and stories (as sorted lists of member ids) of a store."""
    from storycheck import open_store

    with open_store(target) as st:
        members = st.story_members([s for (s,) in st._x("SELECT id FROM stories").fetchall()])
        return {"articles": st.count("articles"), "duplicates": st.count("duplicates"),
                "stories": st.count("stories"), "unassigned": len(st.unassigned(10**9)),
                "partition": sorted(sorted(ids) for ids in members.values())}


def opened(target: str) -> bool:
    """Whether `add` has opened the store (created its tables): the write phase has begun."""
    if not target.startswith("postgresql://"):
        return Path(target).exists()
    import psycopg

    with psycopg.connect(target, autocommit=True) as conn:
        return conn.execute("SELECT to_regclass('articles') IS NOT NULL").fetchone()[0]  # type: ignore[index]


def _wait_opened(proc: subprocess.Popen[Any], target: str) -> float:
    """Poll until the store is opened or the process ends; the seconds since start."""
    t = time.perf_counter()
    while proc.poll() is None and not opened(target):
        time.sleep(0.02)  # 20 ms: fine next to a write phase of seconds
    return time.perf_counter() - t


def clean_run(files: Path, target: str, mode: str) -> tuple[dict[str, Any], float]:
    """The clean result and the length of its write phase (store opened → process done)."""
    proc = subprocess.Popen(_command(files, target, mode), env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    t = time.perf_counter()
    _wait_opened(proc, target)
    t_open = time.perf_counter()
    _, err = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"clean add failed: {err.decode()[-300:]}")
    return state(target), time.perf_counter() - max(t, t_open)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    proc.wait()
    for _ in range(50):  # the group's other processes (Dask nanny and worker) die with it
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def _wait_written(proc: subprocess.Popen[Any], target: str) -> None:
    """Poll until the first articles are committed or the process ends."""
    from storycheck import open_store

    _wait_opened(proc, target)
    while proc.poll() is None:
        with open_store(target) as st:
            if st.count("articles"):
                return
        time.sleep(0.02)


def kill_once(files: Path, target: str, mode: str, delay: float, expected: dict[str, Any],
              trigger: str = "opened") -> dict[str, Any]:
    """Start `add`, SIGKILL its process group ``delay`` s after it opened the store (``trigger``
    "opened") or committed its first articles ("written"), rerun it, compare with ``expected``."""
    proc = subprocess.Popen(_command(files, target, mode), env=_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (_wait_written if trigger == "written" else _wait_opened)(proc, target)
    try:
        proc.wait(timeout=delay)
        killed = False
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        killed = True
    at_kill = state(target)
    rerun = subprocess.run(_command(files, target, mode), env=_env(), capture_output=True, text=True)
    after = state(target)
    same_counts = all(after[k] == expected[k] for k in ("articles", "duplicates", "stories"))
    return {"trigger": trigger, "delay_s": round(delay, 2), "killed": killed,
            "at_kill": {k: at_kill[k] for k in ("articles", "duplicates", "stories", "unassigned")},
            "rerun_exit": rerun.returncode,
            "rerun_error": rerun.stderr.strip().splitlines()[-1:] if rerun.returncode else [],
            "after": {k: after[k] for k in ("articles", "duplicates", "stories", "unassigned")},
            "counts_equal": same_counts, "stories_equal": after["partition"] == expected["partition"],
            "ok": rerun.returncode == 0 and same_counts and after["unassigned"] == 0}


def kill_series(files: Path, fresh: Callable[[str], str], mode: str, kills: int, seed: int,
                clean: tuple[dict[str, Any], float] | None = None) -> dict[str, Any]:
    """A clean run (or ``clean``: its state and the span of kill delays), then ``kills`` killed-and-rerun
    runs on fresh stores; ``fresh(name)`` makes an empty store."""
    expected, seconds = clean or clean_run(files, fresh("clean"), mode)
    rnd = random.Random(seed)
    # every other kill waits for the first committed articles: the points between a batch's transactions
    runs = [kill_once(files, fresh(f"k{i}"), mode, rnd.uniform(0.0, seconds / (1 + i % 2)), expected,
                      trigger=("opened", "written")[i % 2]) for i in range(kills)]
    return {"clean": {k: expected[k] for k in ("articles", "duplicates", "stories")}, "clean_s": seconds,
            "kills": sum(r["killed"] for r in runs), "runs": len(runs), "ok": sum(r["ok"] for r in runs),
            "stories_equal": sum(r["stories_equal"] for r in runs), "details": runs}


@contextmanager
def stores(engine: str) -> Iterator[Callable[[str], str]]:
    """``fresh(name)`` → a new empty store of ``engine`` (a SQLite file or a PostgreSQL database)."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield lambda name: str(Path(tmp) / f"{name}.db")
        return
    import pg

    with pg.server() as url:
        yield lambda name: pg.new_database(url, name)


def bench_kill(kills: dict[str, int], stories: int = 100, seed: int = 16) -> dict[str, Any]:
    """``kills``: runs per mode (single, dask), on each store."""
    import pg

    out: dict[str, Any] = {"corpus": f"bench/fiction.py: {stories} invented stories, seed {seed}"}
    with tempfile.TemporaryDirectory() as tmp:
        files = write_corpus(Path(tmp) / "corpus.jsonl", stories, seed)
        out["articles_in"] = sum(1 for _ in files.open())
        for mode in MODES:
            for engine in ("sqlite", "postgres"):
                why = pg.available() if engine == "postgres" else None
                if why:
                    out[f"{engine}_{mode}"] = {"skipped": why}
                    continue
                with stores(engine) as fresh:
                    r = out[f"{engine}_{mode}"] = kill_series(files, fresh, mode, kills[mode], seed)
                print(f"kill: {engine} {mode}: " + json.dumps({k: v for k, v in r.items() if k != "details"}),
                      file=sys.stderr, flush=True)
    out["table"] = table(out)
    return out


def _at_kill(run: dict[str, Any], clean: dict[str, int]) -> str:
    """What the store held when the process died."""
    held = run["at_kill"]
    if not run["killed"]:
        return "finished"
    if held["articles"] == 0:
        return "nothing"
    if held["unassigned"]:
        return "articles without stories"
    return "all" if held["articles"] == clean["articles"] and held["stories"] == clean["stories"] else "some batches"


def table(out: dict[str, Any]) -> list[str]:
    rows = ["| store | mode | clean run (articles / duplicates / stories) | runs | killed before the end | "
            "store at the kill | rerun equal to clean: counts | same stories |", "|---|---|---|---|---|---|---|---|"]
    for key, r in out.items():
        if not isinstance(r, dict) or ("runs" not in r and "skipped" not in r):
            continue
        engine, mode = key.split("_", 1)
        if "skipped" in r:
            rows.append(f"| {engine} | {mode} | skipped: {r['skipped']} | | | | | |")
            continue
        c = r["clean"]
        held = Counter(_at_kill(d, c) for d in r["details"])
        rows.append(f"| {engine} | {mode} | {c['articles']} / {c['duplicates']} / {c['stories']} "
                    f"({r['clean_s']:.1f} s) | {r['runs']} | {r['kills']} | "
                    + ", ".join(f"{k} {n}" for k, n in held.most_common()) + f" | {r['ok']} | {r['stories_equal']} |")
    return rows + ["", f"Corpus: {out['corpus']} ({out['articles_in']} articles in one JSONL file). "
                   "Each run: a fresh store, "
                   "`storycheck add` started as its own process group and SIGKILLed (the whole group: driver and Dask "
                   "worker) after a random delay from its opening the store (within the clean run's write phase, "
                   "seconds in brackets) or, every other run, from its first committed articles (within half "
                   "that), then rerun; `--dask local[1]`. "
                   "Kill points and the store's state at each kill are in bench/results/kill.json."]
