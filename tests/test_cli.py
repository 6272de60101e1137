"""The installed `storycheck` command, run as a user runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES

EXE = Path(sys.executable).with_name("storycheck")


def run(*args, env=None):
    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


@pytest.fixture(scope="module")
def compare_json():
    return run("compare", EXAMPLES, "--json")


def test_version():
    from storycheck import __version__

    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"storycheck {__version__}"


def test_json_is_the_only_thing_on_stdout(compare_json):
    assert compare_json.returncode == 0, compare_json.stderr
    doc = json.loads(compare_json.stdout)
    arts = doc["articles"]
    assert len(arts) == 7
    for a in arts:
        assert set(a) >= {"id", "path", "title", "outlet", "published", "sentences"}
        for s in a["sentences"]:
            assert set(s) >= {"index", "start", "end", "text", "verdict", "score", "evidence"}
            assert s["verdict"] in ("supported", "contradicted", "unsupported", "opinion")
            for e in s["evidence"]:
                assert set(e) == {"article", "sentence", "sentences", "text", "score"}
            if s["verdict"] == "contradicted":
                assert set(s["contradiction"]) >= {"type", "claim_span", "evidence_span"}


def test_terminal_report_and_html(tmp_path):
    out = tmp_path / "r.html"
    r = run("compare", EXAMPLES, "--html", out)
    assert r.returncode == 0, r.stderr
    assert "summary:" in r.stdout and "contradicted" in r.stdout
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "40 cracks" in page and "<script" not in page


def test_html_escapes_hostile_text(tmp_path):
    evil = tmp_path / "evil.json"
    evil.write_text(json.dumps({"id": "e", "title": "<script>alert(1)</script>", "outlet": "<img src=x onerror=alert(1)>",
                                "text": "The bridge <b>closed</b> on Tuesday after 14 cracks were found."}))
    out = tmp_path / "r.html"
    r = run("compare", evil, EXAMPLES / "01_coastline_wire.txt", "--html", out)
    assert r.returncode == 0, r.stderr
    page = out.read_text()
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("compare", "missing.txt", "other.txt"), "missing.txt: no such file"),
        (("compare", EXAMPLES / "01_coastline_wire.txt"), "at least two different articles"),
        (("compare", EXAMPLES / "01_coastline_wire.txt", EXAMPLES / "01_coastline_wire.txt"), "at least two different articles"),
        (("compare", "--bogus", "x"), "No such option"),
        (("frobnicate",), "No such command"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(args, fragment):
    r = run(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], r.stderr


def test_binary_input_is_refused(tmp_path):
    p = tmp_path / "x.txt"
    p.write_bytes(b"\x00\x01\x02\x03")
    r = run("compare", p, EXAMPLES / "01_coastline_wire.txt")
    assert r.returncode == 2 and "binary" in r.stderr


def test_add_twice_and_bad_input_keeps_store(tmp_path):
    db = tmp_path / "s.db"
    r = run("add", EXAMPLES, "--db", db)
    assert r.returncode == 0, r.stderr
    assert "added 7" in r.stdout
    r = run("add", EXAMPLES, "--db", db)
    assert "added 0" in r.stdout and "7 already stored" in r.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\nnot json\n')
    r = run("add", bad, "--db", db)
    assert r.returncode == 2 and "line 2" in r.stderr
    import sqlite3

    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 7


def test_default_db_comes_from_environment(tmp_path):
    db = tmp_path / "env.db"
    r = run("add", EXAMPLES / "01_coastline_wire.txt", env={"STORYCHECK_DB": str(db)})
    assert r.returncode == 0, r.stderr
    assert db.exists()
