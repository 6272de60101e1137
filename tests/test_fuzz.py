"""A fixed-seed share of the fuzzing benchmark (bench/fuzz.py; `bench/run.py --only fuzz` runs 10,000+ cases):
every reader, `storycheck add` and every web route, fed random bytes, truncations, deep nesting, huge fields,
wrong types, bad UTF-8, NULs and mixed encodings, never fail with a traceback or a 5xx."""

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("hypothesis")
pytest.importorskip("fastapi")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import fuzz  # noqa: E402


def test_fuzz_fixed_seed_share():
    result = fuzz.run(cases=40, rng=20261201)
    assert result["failures"] == []
    assert result["total_cases"] >= 500 and all(n > 0 for n in result["cases"].values())
    assert {"reader .jsonl", "reader .rss", "reader folder", "cli add .json", "POST /api/articles",
            "GET /api/stories"} <= set(result["cases"])


@pytest.mark.parametrize("body", [b"[" * 50_000 + b"]" * 50_000,
                                  b'{"text": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001])
def test_deep_nesting_is_one_line_and_exit_2(tmp_path, body):
    """The case from issue 16: a real process, a real exit code, one line on stderr."""
    f = tmp_path / "deep.json"
    f.write_bytes(body)
    r = subprocess.run([sys.executable, "-m", "storycheck", "compare", str(f), str(f)], capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip().splitlines() == [f"storycheck: error: {f}: invalid JSON: nested too deeply"]


def test_deep_nesting_posted_is_400_and_nothing_stored(tmp_path):
    from fastapi.testclient import TestClient

    from storycheck import open_store
    from storycheck.web import WebOptions, create_app

    db = tmp_path / "s.db"
    client = TestClient(create_app(WebOptions(db=str(db))))
    r = client.post("/api/articles", content=b'{"text": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001,
                    headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["message"] == "invalid JSON: nested too deeply"
    r = client.get("/api/stories", params={"offset": str(2**70)})
    assert r.status_code == 422 and "offset" in r.json()["error"]["message"]
    with open_store(db) as st:
        assert st.count("articles") == 0
