"""Limits per article, not per file: a JSONL archive over the single-file limit is read, an over-long
article is refused (exit 2, nothing stored) or skipped with --skip-bad, and feeds stream."""

import json
import subprocess
import sys

from storycheck import MalformedInput, open_store
from storycheck.ingest import CheckedArticles, ReadOptions, iter_paths, read_path

BODY = "The Merrow Bridge closed on Tuesday after inspectors found {n} cracks in its beams."


def _jsonl(path, n, long_at=None, limit=0):
    with path.open("w") as fh:
        for i in range(n):
            text = "x" * (limit + 1) if i == long_at else BODY.format(n=i)
            fh.write(json.dumps({"id": f"a{i}", "text": text, "outlet": f"O{i % 7}"}) + "\n")


def test_archive_over_the_file_limit_is_streamed(tmp_path):
    p = tmp_path / "big.jsonl"
    _jsonl(p, 3000)
    opts = ReadOptions(max_file_bytes=50_000)  # the file is ~300 kB: over the whole-file limit
    assert p.stat().st_size > opts.max_file_bytes
    ids = [a.id for a in iter_paths([p], opts)]
    assert len(ids) == 3000 and ids[:2] == ["a0", "a1"]
    checked = CheckedArticles([p], opts, keep_chars=10_000)  # over the memory budget: read again
    assert checked.reread and len(checked) == 3000 and sum(1 for _ in checked) == 3000


def test_over_long_article_is_refused_or_skipped(tmp_path):
    p = tmp_path / "a.jsonl"
    _jsonl(p, 5, long_at=3, limit=1000)
    opts = ReadOptions(max_article_chars=1000)
    try:
        read_path(p, opts)
        raise AssertionError("an over-long article must be refused")
    except MalformedInput as exc:
        assert str(p) in str(exc) and ":4" in str(exc) and "over the 1000-character limit" in str(exc)
    skipped = []
    arts = read_path(p, ReadOptions(max_article_chars=1000, skip_bad=True, warn=skipped.append))
    assert [a.id for a in arts] == ["a0", "a1", "a2", "a4"] and len(skipped) == 1 and ":4" in skipped[0]


def test_feed_entries_stream_and_bad_ones_are_skipped(tmp_path):
    items = "".join(f"<item><title>T{i}</title><guid>g{i}</guid><description>{BODY.format(n=i)}</description></item>"
                    for i in range(200))
    long_item = f"<item><guid>long</guid><description>{'y' * 2000}</description></item>"
    p = tmp_path / "f.rss"
    p.write_text(f'<?xml version="1.0"?><rss><channel><title>O</title>{items}{long_item}</channel></rss>')
    arts = read_path(p, ReadOptions(max_article_chars=1000, skip_bad=True))
    assert len(arts) == 200 and arts[-1].id == "g199" and arts[0].outlet == "O"


def test_add_without_skip_bad_stores_nothing_and_with_it_stores_the_rest(tmp_path):
    p = tmp_path / "a.jsonl"
    _jsonl(p, 4)
    with p.open("a") as fh:
        fh.write('{"text": "x", "title": {"nested": "wrong type"}}\n')
    db = tmp_path / "s.db"
    cmd = [sys.executable, "-m", "storycheck", "add", "--db", str(db), str(p)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [
        f"storycheck: error: {p}:5: field 'title' must be a string"]
    assert not db.exists()
    r = subprocess.run(cmd + ["--skip-bad"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert f"storycheck: skipped {p}:5: field 'title' must be a string" in r.stderr
    with open_store(db) as st:
        assert st.count("articles") == 4
