"""Property-based fuzzing (hypothesis) of every reader, the CLI and every web route.

The property everywhere: hostile input is refused the way the contract says, never
with a traceback. A reader returns articles or raises an InputError naming the file;
`storycheck add` exits 0, or 2 with one line naming the file and stores nothing; a
route answers below 500, an /api/ error is JSON, and a refused POST stores nothing.

`run(cases, seed)` is what `bench/run.py --only fuzz` and tests/test_fuzz.py call.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from storycheck import InputError
from storycheck.ingest import ReadOptions, read_path

#: Fuzzing limits, small so that "huge" fields cross them in a few kilobytes.
SMALL = ReadOptions(max_file_bytes=64_000, max_article_chars=8_000)
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "cp1251", "koi8-r", "latin-1", "cp1252", "shift_jis", "gb18030"]
GOOD_TEXT = "The Merrow Bridge closed on Tuesday. Mayor Elena Ruiz said repairs take six weeks."
GOOD_RSS = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet</title><item><title>One</title>'
            f'<link>http://e.x/1</link><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate><description>{GOOD_TEXT}'
            '</description></item></channel></rss>')
GOOD_ATOM = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
             f'<entry><title>Two</title><id>urn:2</id><content type="html">{GOOD_TEXT}</content></entry></feed>')
GOOD_HTML = ("<!doctype html><html><head><title>T</title></head><body><article><h1>T</h1>"
             f"<p>{GOOD_TEXT}</p></article></body></html>")
GOOD_JSON = json.dumps({"id": "a1", "text": GOOD_TEXT, "title": "T", "outlet": "O", "published": "2026-03-03"})
SAMPLES = {".txt": "date 2026-03-03\noutlet O\n\nHeadline here\n\n" + GOOD_TEXT, ".html": GOOD_HTML,
           ".json": GOOD_JSON, ".jsonl": GOOD_JSON + "\n" + GOOD_JSON.replace("a1", "a2"), ".rss": GOOD_RSS,
           ".atom": GOOD_ATOM, ".xml": GOOD_RSS, "": GOOD_TEXT}


def _json_values() -> st.SearchStrategy[Any]:
    leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
    return st.recursive(leaf, lambda kids: st.lists(kids, max_size=4)
                        | st.dictionaries(st.text(max_size=8), kids, max_size=4), max_leaves=12)


def _record() -> st.SearchStrategy[dict[str, Any]]:
    """An article record whose fields may have the wrong type, be huge, or hold NULs and surrogates."""
    texty = st.one_of(st.text(max_size=60), st.just(GOOD_TEXT), st.just("x" * 9_000), st.just("a\x00b"),
                      st.just("bad \ud800 surrogate"), _json_values())
    return st.fixed_dictionaries({}, optional={k: texty for k in ("id", "text", "title", "outlet", "url", "published")})


def _deep(depth: int, kind: str) -> bytes:
    if kind == "list":
        return b"[" * depth + b"]" * depth
    if kind == "dict":
        return b'{"text": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"
    return b"<rss><channel>" + b"<item>" * depth + b"x" + b"</item>" * depth + b"</channel></rss>"


def _mutate(data: bytes, how: str, at: int, junk: bytes) -> bytes:
    at = at % (len(data) + 1)
    if how == "truncate":
        return data[:at]
    if how == "insert":
        return data[:at] + junk + data[at:]
    if how == "overwrite":
        return data[:at] + junk + data[at + len(junk):]
    return data + junk


def file_bytes() -> st.SearchStrategy[bytes]:
    """Contents of an input file: random, mutated samples, deep nesting, bad UTF-8, NULs, mixed encodings."""
    junk = st.one_of(st.binary(max_size=64), st.sampled_from([b"\x00", b"\xff\xfe", b"\xc3", b"\xed\xa0\x80",
                                                                b"\xef\xbb\xbf", b"]]>", b"<!--", b"&#0;", b"\\u0000"]))
    sample = st.sampled_from(sorted(set(SAMPLES.values()))).map(lambda s: s.encode("utf-8"))
    mutated = st.builds(_mutate, sample, st.sampled_from(["truncate", "insert", "overwrite", "append"]),
                        st.integers(0, 4000), junk)
    encoded = st.builds(lambda s, e: s.encode(e, errors="replace"), st.text(max_size=300) | sample.map(bytes.decode),
                        st.sampled_from(ENCODINGS))
    mixed = st.builds(lambda s: s.encode("utf-8") + s.encode("cp1251", errors="replace") + s.encode("utf-16"),
                      st.text(max_size=100) | st.just("Мэр закрыл мост. El señor Muñoz."))
    deep = st.builds(_deep, st.integers(1, 60_000), st.sampled_from(["list", "dict", "xml"]))
    records = st.builds(lambda r: json.dumps(r).encode(), _record()) | st.builds(
        lambda rs: "\n".join(json.dumps(r) for r in rs).encode(), st.lists(_record(), max_size=4))
    huge = st.builds(lambda n, c: c * n, st.integers(60_000, 70_000), st.sampled_from([b"a", b"\n", b" ", b"{"]))
    return st.one_of(st.binary(max_size=2048), mutated, encoded, mixed, deep, records, huge)


@dataclass
class Tally:
    cases: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, str]] = field(default_factory=list)

    def case(self, target: str) -> None:
        self.cases[target] = self.cases.get(target, 0) + 1

    def fail(self, target: str, reason: str, data: Any) -> None:
        if len(self.failures) < 50:
            self.failures.append({"target": target, "reason": reason[-600:], "input": repr(data)[:200]})


def _run(test: Callable[..., None], strategy: st.SearchStrategy[Any], n: int, rng: int, **bound: Any) -> None:
    """``n`` hypothesis examples of ``strategy`` through ``test(example, **bound)``, seeded."""

    def one(example: Any) -> None:
        test(example, **bound)

    wrapped = settings(max_examples=n, database=None, deadline=None, print_blob=False,
                       suppress_health_check=list(HealthCheck))(seed(rng)(given(strategy)(one)))
    wrapped()


def fuzz_readers(tally: Tally, n: int, rng: int, tmp: Path) -> None:
    """Every reader by extension, plus folders: articles, or an InputError naming the file."""
    for ext in list(SAMPLES) + ["folder"]:
        target = f"reader {ext or '(no extension)'}"

        def check(data: bytes, ext: str, target: str) -> None:
            tally.case(target)
            if ext == "folder":
                path = Path(tempfile.mkdtemp(dir=tmp))
                for i, e in enumerate([".txt", ".jsonl", ".rss"]):
                    (path / f"f{i}{e}").write_bytes(data if i != 1 else data[::-1])
            else:
                path = tmp / f"in{ext}"
                path.write_bytes(data)
            try:
                arts = read_path(path, SMALL)
            except InputError as exc:
                if str(path) not in str(exc):
                    tally.fail(target, f"error does not name the file: {exc}", data)
                return
            except BaseException:  # noqa: BLE001 - any other escape is the failure we look for
                tally.fail(target, traceback.format_exc(), data)
                return
            for a in arts:
                if not a.text.strip() or "\x00" in a.text or len(a.text) > SMALL.max_article_chars:
                    tally.fail(target, "an article breaks the limits", data)

        _run(check, file_bytes(), n, rng, ext=ext, target=target)


def fuzz_cli(tally: Tally, n: int, rng: int, tmp: Path) -> None:
    """`storycheck add` in process: exit 0, or 2 with one stderr line naming the file and nothing stored."""
    from storycheck.cli import run

    for ext in (".json", ".jsonl", ".rss", ".txt"):
        target = f"cli add {ext}"

        def check(data: bytes, ext: str, target: str) -> None:
            tally.case(target)
            path = tmp / f"cli{ext}"
            path.write_bytes(data)
            db = Path(tempfile.mkdtemp(dir=tmp)) / "s.db"
            err = io.StringIO()
            try:
                with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                    rc = run(["add", "--db", str(db), str(path)])
            except BaseException:  # noqa: BLE001
                tally.fail(target, traceback.format_exc(), data)
                return
            # warnings (a weak encoding guess) may come first; the error is one line
            lines = [ln for ln in err.getvalue().strip().splitlines() if not ln.startswith("storycheck: warning:")]
            if rc == 2 and (len(lines) != 1 or str(path) not in lines[0] or db.exists()):
                tally.fail(target, f"exit 2 but stderr {lines!r}, db written: {db.exists()}", data)
            elif rc not in (0, 2):
                tally.fail(target, f"exit {rc}: {lines!r}", data)

        _run(check, file_bytes(), max(1, n // 4), rng, ext=ext, target=target)


def _api_body() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=512),
        st.builds(lambda r: json.dumps(r).encode(), _record() | st.lists(_record(), max_size=3)
                  | st.fixed_dictionaries({"articles": st.lists(_record(), max_size=3) | _json_values()})),
        st.builds(_deep, st.integers(1, 60_000), st.sampled_from(["list", "dict"])),
        st.builds(lambda v: json.dumps(v).encode(), _json_values()),
    )


def _params() -> st.SearchStrategy[dict[str, str]]:
    value = st.text(max_size=30) | st.integers(-2**70, 2**70).map(str) | st.sampled_from(["2026-03-03", "", "0"])
    return st.dictionaries(st.sampled_from(["q", "since", "until", "min_size", "limit", "offset", "page"]), value,
                           max_size=5)


def fuzz_api(tally: Tally, n: int, rng: int, tmp: Path) -> None:
    """Every route through the ASGI app on a real SQLite store."""
    from fastapi.testclient import TestClient

    from storycheck import add, open_store
    from storycheck.web import WebOptions, create_app

    db = tmp / "api.db"
    with open_store(db) as s:
        add([_sample_file(tmp)], store=s)
    client = TestClient(create_app(WebOptions(db=str(db))), raise_server_exceptions=False)
    with open_store(db) as s:
        sid = s.list_stories(limit=1)[0]["id"]
    ids = st.sampled_from([sid, "a1", "nope", "%", "a" * 300, "..%2f..", "\u00e9\u0000x"]) | st.text(max_size=20)

    def stored() -> int:
        with open_store(db) as s:
            return s.count("articles")

    def answer(target: str, r: Any, data: Any, before: int | None = None) -> None:
        if r.status_code >= 500:
            tally.fail(target, f"HTTP {r.status_code}: {r.text[:300]}", data)
        elif target.startswith("/api/") or " /api/" in target:
            if r.status_code >= 400:
                body = r.json() if r.headers.get("content-type", "").startswith("application/json") else None
                if not (isinstance(body, dict) and "error" in body):
                    tally.fail(target, f"HTTP {r.status_code} without a JSON error: {r.text[:200]}", data)
                if before is not None and stored() != before:
                    tally.fail(target, "a refused request stored articles", data)

    posts = {"POST /api/articles": "/api/articles", "POST /api/compare": "/api/compare"}
    for target, url in posts.items():
        def post(body: bytes, target: str, url: str) -> None:
            tally.case(target)
            before = stored()
            answer(target, client.post(url, content=body, headers={"content-type": "application/json"}), body, before)

        def upload(data: bytes, target: str, url: str) -> None:
            tally.case(target)
            before = stored()
            answer(target, client.post(url, files={"files": ("up.jsonl", data)}), data, before)

        _run(post, _api_body(), n, rng, target=target, url=url)
        _run(upload, file_bytes(), max(1, n // 4), rng, target=target + " (files)", url=url)

    routes = ["/api/stories", "/api/stories/{id}", "/api/articles/{id}", "/", "/stories/{id}", "/articles/{id}",
              "/stories/{id}/report.html", "/articles/{id}/report.html", "/compare"]
    for route in routes:
        def get(args: tuple[dict[str, str], str], route: str) -> None:
            tally.case(f"GET {route}")
            params, raw_id = args
            url = route.replace("{id}", quote(raw_id, safe=""))  # the client refuses raw control characters
            answer(f"GET {route}", client.get(url, params=params), args)

        _run(get, st.tuples(_params(), ids), max(1, n // 4), rng, route=route)

    def compare_form(args: tuple[list[str], bytes]) -> None:
        tally.case("POST /compare")
        texts, data = args
        answer("POST /compare", client.post("/compare", data={"text": texts}, files={"files": ("a.txt", data)}), args)

    _run(compare_form, st.tuples(st.lists(st.text(max_size=200), max_size=2), file_bytes()), max(1, n // 4), rng)


def _sample_file(tmp: Path) -> Path:
    p = tmp / "seed.jsonl"
    p.write_text(SAMPLES[".jsonl"] + "\n" + json.dumps({"id": "b1", "text": "Mayor Elena Ruiz said the Merrow Bridge "
                                                         "closed on Tuesday for six weeks of repairs."}))
    return p


def run(cases: int, rng: int = 0, targets: tuple[str, ...] = ("readers", "cli", "api")) -> dict[str, Any]:
    """Fuzz; ``cases`` is the number of examples per reader and per POST route (GET routes
    and the CLI get a quarter). Returns cases run per target and the failures found."""
    tally = Tally()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for name, fn in (("readers", fuzz_readers), ("cli", fuzz_cli), ("api", fuzz_api)):
            if name in targets:
                fn(tally, cases, rng, tmp)
    return {"cases": tally.cases, "total_cases": sum(tally.cases.values()), "failures": tally.failures,
            "seed": rng}
