from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))  # bench/pg.py: the throwaway PostgreSQL server tests and benchmarks share
SHARED = Path(os.environ.get("STORYCHECK_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
EXAMPLES = ROOT / "examples" / "merrow-bridge"


@pytest.fixture(scope="session")
def seeds() -> tuple[Path, Path]:
    """(faithful 001, rewrite 000), read in place; never copied into the repo."""
    faithful = sorted(SEEDS.glob("001_*.txt"))
    rewrite = sorted(SEEDS.glob("000_*.txt"))
    if not faithful or not rewrite:
        pytest.skip(f"seed articles not found under {SEEDS} (the shared/ folder is absent)")
    return faithful[0], rewrite[0]


@pytest.fixture(scope="session")
def seed_result(seeds):
    from storycheck import compare

    arts = compare([seeds[0], seeds[1]])
    by_path = {a.path: a for a in arts}
    return by_path[str(seeds[0])], by_path[str(seeds[1])]


@pytest.fixture(scope="session")
def example_result():
    from storycheck import compare

    return {a.outlet: a for a in compare([EXAMPLES])}


def find(article, fragment: str):
    hits = [s for s in article.sentences if fragment in s.text]
    assert len(hits) == 1, f"{fragment!r} matched {len(hits)} sentences"
    return hits[0]


# -- a real PostgreSQL, started by the test suite --------------------------------------------

@pytest.fixture(scope="session")
def postgres_server():
    """initdb + pg_ctl on a temporary directory, 127.0.0.1, a free port (bench/pg.py, shared with the
    benchmarks); fsync off, since a test run need not survive a power cut. Stopped at the end."""
    import subprocess
    from contextlib import ExitStack

    import pg

    why = pg.available()
    if why:
        pytest.skip(f"{why}: the PostgreSQL tests did not run")
    stack = ExitStack()
    try:
        url = stack.enter_context(pg.server(max_connections=50, settings={"fsync": "off"}))
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"PostgreSQL did not start: {(exc.stderr or b'').decode(errors='replace').strip()[-300:]}")
    with stack:
        yield url


_DB_COUNTER = iter(range(10**6))


@pytest.fixture(params=["sqlite", "postgres"])
def store_target(request, tmp_path):
    """A fresh, empty store of each engine: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "s.db")
    import pg

    return pg.new_database(request.getfixturevalue("postgres_server"), f"t{next(_DB_COUNTER)}_{os.getpid()}")


# -- a real browser and a real server on 127.0.0.1 --------------------------------------------

def chromium_path() -> str | None:
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def browser():
    exe = chromium_path()
    if exe is None:
        pytest.skip("no Chromium found (apt-get install chromium): the end-to-end browser tests did not run")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def serve_app(app: object, tries: int = 200) -> tuple[Any, Any, str]:
    """``app`` served by uvicorn on a free port of 127.0.0.1, in a thread: (server, thread, URL)."""
    import socket
    import threading
    import time

    uvicorn = pytest.importorskip("uvicorn")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(tries):
        if server.started:
            break
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def serve(db: Path):
    """The web UI on a free port of 127.0.0.1 over the store at ``db`` (a generator: yields its URL)."""
    from storycheck.web import WebOptions, create_app

    server, thread, url = serve_app(create_app(WebOptions(db=str(db))), tries=100)
    yield url
    server.should_exit = True
    thread.join(timeout=5)
