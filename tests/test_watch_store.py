"""The store's watch tables on both engines: alerts never repeat, filters hold, and a
source's validators survive a 304 and a failure."""

from __future__ import annotations

import pytest

from storycheck._time import since_utc, span_seconds
from storycheck.store import open_store


def _alert(n: int, kind: str, created: str) -> dict:
    return {"id": f"a{n}", "kind": kind, "created": created, "story": "s-1", "article": f"art{n}", "sentence": n,
            "text": f"sentence {n}", "message": f"alert {n}"}


def test_alerts_are_stored_once_and_filtered(store_target):
    with open_store(store_target) as st:
        first = st.save_alerts([_alert(1, "contradiction", "2026-05-11T09:00:00.000+00:00"),
                                _alert(2, "quote_altered", "2026-05-11T10:00:00.000+00:00")])
        assert [a["id"] for a in first] == ["a1", "a2"]
        again = st.save_alerts([_alert(2, "quote_altered", "2026-05-11T11:00:00.000+00:00"),
                                _alert(3, "contradiction", "2026-05-12T08:00:00.000+00:00")])
        assert [a["id"] for a in again] == ["a3"]  # a2 was stored already
        assert st.count("alerts") == 3
        assert [a["id"] for a in st.list_alerts()] == ["a3", "a2", "a1"]  # newest first
        assert [a["id"] for a in st.list_alerts(kinds=["contradiction"])] == ["a3", "a1"]
        since = since_utc("2026-05-11T09:30")
        assert [a["id"] for a in st.list_alerts(since=since)] == ["a3", "a2"]
        assert st.count_alerts(since=since, kinds=["quote_altered"]) == 1
        assert st.list_alerts(limit=1, offset=1)[0]["id"] == "a2"
        assert st.list_alerts(story="s-2") == []
        assert st.list_alerts()[0]["message"] == "alert 3"  # the whole object comes back


def test_source_state_keeps_validators_through_304_and_failures(store_target):
    url = "http://127.0.0.1:9/feed.xml"
    with open_store(store_target) as st:
        assert st.source_state(url) is None
        st.save_source_state(url, etag='"v1"', last_modified="Mon, 11 May 2026 09:00:00 GMT")
        st.save_source_state(url)  # a 304: nothing new, validators kept
        s = st.source_state(url)
        assert s["etag"] == '"v1"' and s["last_modified"].startswith("Mon") and s["failures"] == 0
        st.save_source_state(url, error="HTTP 500")
        st.save_source_state(url, error="HTTP 502")
        s = st.source_state(url)
        assert s["failures"] == 2 and s["error"] == "HTTP 502" and s["etag"] == '"v1"'
        st.save_source_state(url, etag='"v2"')
        s = st.source_state(url)
        assert s["failures"] == 0 and s["error"] is None and s["etag"] == '"v2"'
        st.mark_items([("http://x/1", url, "art1"), ("http://x/2", url, None)])
        st.mark_items([("http://x/1", url, "art9")])  # marked once; the first mark stays
        assert st.seen_items(["http://x/1", "http://x/2", "http://x/3"]) == {"http://x/1", "http://x/2"}


@pytest.mark.parametrize("text,seconds", [("90s", 90), ("5m", 300), ("1.5h", 5400), ("7d", 604800), ("45", 45)])
def test_spans(text, seconds):
    assert span_seconds(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "-5m", "0", "nanh", "infm", "5x", "99999999999d", "1e300"])
def test_bad_spans(text):
    with pytest.raises(ValueError):
        span_seconds(text)


def test_since_reads_spans_and_iso_times():
    from datetime import UTC, datetime

    now = datetime(2026, 5, 11, 12, 0, tzinfo=UTC)
    assert since_utc("2h", now) == "2026-05-11T10:00:00.000+00:00"
    assert since_utc("2026-05-11", now) == "2026-05-11T00:00:00.000+00:00"
    assert since_utc("2026-05-11T14:00+02:00", now) == "2026-05-11T12:00:00.000+00:00"
    for bad in ("yesterday", "99999999999d", "0001-01-01T00:00+14:00"):
        with pytest.raises(ValueError):
            since_utc(bad, now)


def _doc() -> dict:
    """A checked story, as `story --json` gives it, cut to what alerts read: A (wire), B (independent),
    C (a later copy of A that drifts a figure, alters a quote and adds an anonymous claim)."""
    def sent(i, text, verdict="supported", **kw):
        return {"index": i, "text": text, "verdict": verdict, "supported_by": kw.get("by", []),
                "contradicted_by": kw.get("against", []), "quotes": kw.get("quotes", []),
                "attribution": kw.get("att", {"kind": "none", "layers": []}),
                **({"contradiction": kw["c"]} if "c" in kw else {})}
    a = {"id": "A", "outlet": "Wire", "published": "2026-05-11T09:00:00Z", "sentences": [
        sent(0, "Four were hurt.", by=["B"], against=["C"]),
        sent(1, "\u201cWe stopped all loading,\u201d she said.", quotes=[
            {"text": "We stopped all loading,", "status": "altered", "found_in": ["C"], "closest": "x"}])]}
    b = {"id": "B", "outlet": "Courier", "published": "2026-05-11T10:00:00Z", "sentences": [
        sent(0, "Four dockers were hurt.", by=["A"])]}
    c = {"id": "C", "outlet": "Buzz", "published": "2026-05-11T12:00:00Z", "sentences": [
        sent(0, "Nine were hurt.", "contradicted", against=["A"],
             c={"type": "number", "claim_span": "Nine", "evidence_span": "Four", "article": "A", "sentence": 0}),
        sent(1, "\u201cWe halted all loading,\u201d she said.", quotes=[
            {"text": "We halted all loading,", "status": "altered", "found_in": ["A"],
             "closest": "We stopped all loading,"}]),
        sent(2, "Officials who asked not to be named said the crane was faulty.", "unsupported",
             att={"kind": "anonymous", "source": "officials", "cue": "asked not to be named", "layers": []})]}
    return {"articles": [a, b, c], "story": {"id": "s-1", "families": [
        {"id": "f1", "members": ["A", "C"]}, {"id": "f2", "members": ["B"]}]}}


def test_alerts_of_a_newcomer_and_not_of_the_original():
    from storycheck.watch import AlertOptions, story_alerts

    got = story_alerts(_doc(), ["C"], created="2026-05-11T12:05:00.000+00:00")
    kinds = sorted(a["kind"] for a in got)
    assert kinds == ["contradiction", "quote_altered", "unsourced_new_claim"]
    contra = next(a for a in got if a["kind"] == "contradiction")
    # A carries it and B carries A's sentence: two sources; A is C's own family (a drift from its source)
    assert contra["detail"]["sources"] == 2 and contra["detail"]["from_own_family"] is True
    assert "contradiction" not in {a["kind"] for a in story_alerts(_doc(), ["C"], AlertOptions(min_sources=3))}
    assert {a["kind"] for a in story_alerts(_doc(), ["C"], AlertOptions(kinds=("quote_altered",)))} == {
        "quote_altered"}
    # A has the original words: the later C altered them, so A raises no quote alert
    assert story_alerts(_doc(), ["A"]) == []
    # the same alert twice has the same id (stored once)
    assert [a["id"] for a in got] == [a["id"] for a in story_alerts(_doc(), ["C"])]
    # a newcomer that keeps the figure the others give is not the odd one out, though C's drift clashes with it
    faithful = _doc()
    faithful["articles"].append({"id": "D", "outlet": "Late", "published": "2026-05-11T13:00:00Z", "sentences": [
        {"index": 0, "text": "Four were hurt.", "verdict": "contradicted", "supported_by": ["A", "B"],
         "contradicted_by": ["C"], "quotes": [], "attribution": {"kind": "none", "layers": []},
         "contradiction": {"type": "number", "claim_span": "Four", "evidence_span": "Nine", "article": "C",
                           "sentence": 0}}]})
    faithful["story"]["families"][0]["members"].append("D")
    assert story_alerts(faithful, ["D"]) == []
    # a story nobody else reports yet: a lone anonymous claim is not a *new* claim
    alone = _doc()
    alone["articles"] = [alone["articles"][2]]
    alone["story"]["families"] = []
    assert "unsourced_new_claim" not in {a["kind"] for a in story_alerts(alone, ["C"])}


def test_the_cli_offers_exactly_the_alert_kinds():
    from storycheck.cli import _ALERT_KINDS
    from storycheck.watch import KINDS

    assert tuple(_ALERT_KINDS) == tuple(KINDS)
