"""Alerts: what a verification desk must hear about an article as soon as it arrives.

Pure functions from a checked story's JSON document (the one `storycheck story
--json` prints) and the ids of the articles that just joined it to alert dicts.
Only the new articles' own sentences raise alerts: an old article does not alert
again because a newcomer changed its neighbourhood.

Kinds (a public contract, like verdict words):

- ``contradiction``: a new sentence is judged contradicted, what it contradicts
  is carried by at least ``min_sources`` sources (copy families; the new
  article's own family counts: a copy drifting a figure from its source is the
  case a desk most wants to hear of, and ``detail.from_own_family`` says so), and
  more articles carry that than carry the new sentence: the newcomer is the odd
  one out, not the one the others agree with.
- ``unsourced_new_claim``: a sentence no other article carries (not even a copy),
  resting on sourcing a reader cannot check (people not named, intelligence
  sources, leaked, classified or internal documents), in a story that other
  independent reporting already covers (a first report is not a *new* claim).
- ``quote_altered``: a quote that an earlier article outside its family gives in
  other words.
- ``headline_unsupported``: a headline that another outlet or its own text
  contradicts, or one that neither its text nor another outlet carries *and*
  that states a figure or a name its text nowhere holds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

KINDS = ("contradiction", "unsourced_new_claim", "quote_altered", "headline_unsupported")
#: Characters of article text quoted in an alert's one-line message.
SNIPPET = 160
#: A headline with more than this share of capitalised words is in Title Case: its capitals mark no names.
TITLE_CASE = 0.6
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class AlertOptions:
    #: Sources (copy families) that must carry a claim for a contradiction of it to alert: one already
    #: makes the clash worth a look; raise it for fewer alerts.
    min_sources: int = 1
    kinds: tuple[str, ...] = KINDS  # which kinds to raise


def now_iso() -> str:
    """UTC with milliseconds: alerts of one cycle still sort in the order they were raised."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _snip(text: str | None, limit: int = SNIPPET) -> str:
    t = " ".join((text or "").split())
    return t if len(t) <= limit else t[: limit - 1].rstrip() + "…"


def _alert_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:20]


class _Story:
    """Lookups over one story document: articles, their families and outlets."""

    def __init__(self, doc: dict[str, Any]) -> None:
        story = doc.get("story") or {}
        self.id: str | None = story.get("id")
        self.articles = {a["id"]: a for a in doc.get("articles", [])}
        self.family: dict[str, str] = {}
        for fam in story.get("families", []):
            for m in fam.get("members", []):
                self.family[m] = fam["id"]

    def family_of(self, article: str) -> str:
        return self.family.get(article, article)  # an article in no family is a family of its own

    def outlet(self, article: str) -> str:
        a = self.articles.get(article) or {}
        return str(a.get("outlet") or a.get("title") or article)

    def published(self, article: str) -> str | None:
        return (self.articles.get(article) or {}).get("published")

    def other_families(self, article: str, among: Iterable[str]) -> set[str]:
        own = self.family_of(article)
        return {self.family_of(x) for x in among if x in self.articles and self.family_of(x) != own}

    def sentence(self, article: str, index: int) -> dict[str, Any] | None:
        a = self.articles.get(article)
        if a is None:
            return None
        if index == -1:
            return a.get("headline")  # type: ignore[no-any-return]
        return next((s for s in a.get("sentences", []) if s["index"] == index), None)


def _base(st: _Story, kind: str, article: str, sentence: int | None, text: str, key: str,
          created: str) -> dict[str, Any]:
    a = st.articles[article]
    return {"id": _alert_id(kind, article, sentence, key), "kind": kind, "created": created, "story": st.id,
            "article": article, "outlet": a.get("outlet"), "title": a.get("title"), "url": a.get("url"),
            "published": a.get("published"), "sentence": sentence, "text": text}


def _contradictions(st: _Story, article: str, opts: AlertOptions, created: str) -> list[dict[str, Any]]:
    out = []
    for s in st.articles[article].get("sentences", []):
        c = s.get("contradiction")
        if s.get("verdict") != "contradicted" or not c:
            continue
        ev = st.sentence(c["article"], c["sentence"]) or {}
        # who carries what the new sentence contradicts: the contradicting article and its carriers,
        # counted by family; the new article's own family counts too: a copy that drifts a figure
        # from its own source is the mutation a desk most wants to hear of
        carriers = ({c["article"], *ev.get("supported_by", []), *s.get("contradicted_by", [])} - {article}) \
            & set(st.articles)
        families = {st.family_of(x) for x in carriers}
        mine = set(s.get("supported_by", [])) - {article}
        if len(families) < opts.min_sources or len(mine) >= len(carriers):
            continue  # too few say otherwise, or as many carry the newcomer's version: it is not the odd one out
        drift = st.family_of(c["article"]) == st.family_of(article)
        alert = _base(st, "contradiction", article, s["index"], s["text"], f"{c['type']}|{c['claim_span']}",
                      created)
        alert["detail"] = {"type": c["type"], "claim_span": c["claim_span"], "evidence_span": c["evidence_span"],
                           "sources": len(families), "from_own_family": drift,
                           "evidence": {"article": c["article"], "outlet": st.outlet(c["article"]),
                                        "sentence": c["sentence"], "text": ev.get("text")}}
        told = f"changes the {c['type']} of {st.outlet(c['article'])}, in its own copy family" if drift else \
            f"contradicts {st.outlet(c['article'])} on the {c['type']}"
        alert["message"] = (f"{st.outlet(article)} {told}: \u201c{_snip(c['claim_span'], 60)}\u201d where "
                            f"{st.outlet(c['article'])} has \u201c{_snip(c['evidence_span'], 60)}\u201d "
                            f"({len(families)} source(s) carry that)")
        out.append(alert)
    return out


def _unnamed(s: dict[str, Any]) -> dict[str, Any] | None:
    """The source a sentence rests on that a reader cannot check, if any: people not named,
    intelligence sources, or leaked, classified or internal documents (analyze's ``escalating``;
    a published document such as a named strategy paper does not count)."""
    from ..analyze import Layer, escalating

    att = s.get("attribution") or {}
    layers = [att] + list(att.get("layers", []))
    return next((x for x in layers if x.get("kind") in ("anonymous", "intelligence", "document")
                 and escalating(Layer(x["kind"], x.get("source"), x.get("cue")))), None)


def _unsourced(st: _Story, article: str, created: str) -> list[dict[str, Any]]:
    if not st.other_families(article, st.articles):
        return []  # nobody else reports the story yet: everything is new, nothing is a new claim
    out = []
    for s in st.articles[article].get("sentences", []):
        src = _unnamed(s)
        if s.get("verdict") != "unsupported" or s.get("supported_by") or src is None:
            continue
        alert = _base(st, "unsourced_new_claim", article, s["index"], s["text"], s["text"], created)
        alert["detail"] = {"sourcing": src.get("kind"), "source": src.get("source"), "cue": src.get("cue")}
        alert["message"] = (f"{st.outlet(article)} alone claims, on {src.get('kind')} sourcing "
                            f"({_snip(src.get('cue') or src.get('source'), 40)}): \u201c{_snip(s['text'])}\u201d")
        out.append(alert)
    return out


def _earlier(st: _Story, other: str, article: str) -> bool:
    """``other`` was out before ``article`` (an undated newcomer counts as later: it arrived last)."""
    mine, theirs = st.published(article), st.published(other)
    return theirs is not None and (mine is None or theirs <= mine)


def _altered_quotes(st: _Story, article: str, created: str) -> list[dict[str, Any]]:
    out = []
    for s in st.articles[article].get("sentences", []):
        for q in s.get("quotes", []):
            if q.get("status") != "altered":
                continue
            source = next((x for x in q.get("found_in", []) if _earlier(st, x, article)), None)
            if source is None:
                continue  # the others are later: this article has the original words
            alert = _base(st, "quote_altered", article, s["index"], s["text"], q["text"], created)
            alert["detail"] = {"quote": q["text"], "speaker": q.get("speaker"), "original": q.get("closest"),
                               "original_article": source, "original_outlet": st.outlet(source)}
            alert["message"] = (f"{st.outlet(article)} quotes \u201c{_snip(q['text'], 80)}\u201d; "
                                f"{st.outlet(source)} had \u201c{_snip(q.get('closest'), 80)}\u201d")
            out.append(alert)
    return out


def unbacked_facts(headline: str, body: Sequence[str], language: str | None = None) -> list[str]:
    """What a headline states that its article's text nowhere holds: figures (by value, whatever
    the unit) and, unless the headline is in Title Case, names (each of their words)."""
    from ..analyze import analyze_sentence
    from ..verify._typed import same_value

    head = analyze_sentence(headline, language)
    facts = [analyze_sentence(t, language) for t in body]
    values = [q.value for f in facts for q in f.quantities]
    out = [q.text for q in head.quantities if not any(same_value(q.value, v, 0.02) for v in values)]
    words = headline.split()
    if sum(w[:1].isupper() for w in words) <= TITLE_CASE * len(words):
        seen = {w.lower() for t in body for w in _WORD.findall(t)}
        out += [n for n in head.names if any(w.lower() not in seen for w in _WORD.findall(n))]
    return out


def _headline(st: _Story, article: str, created: str) -> list[dict[str, Any]]:
    a = st.articles[article]
    h = a.get("headline")
    if not h:
        return []
    body = (h.get("body_support") or {}).get("verdict")
    contradicted = h.get("verdict") == "contradicted" or body == "contradicted"
    carried = h.get("verdict") == "supported" or body == "supported"
    unbacked = [] if contradicted or carried else unbacked_facts(
        h["text"], [x["text"] for x in a.get("sentences", [])], a.get("language"))
    if not contradicted and not unbacked:
        return []  # the claim model alone is too unsure on a terse headline: a missing fact must back it
    alert = _base(st, "headline_unsupported", article, -1, h["text"], h["text"], created)
    alert["detail"] = {"verdict": h.get("verdict"), "body_verdict": body, "unbacked": unbacked,
                       "contradiction": h.get("contradiction") or (h.get("body_support") or {}).get("contradiction")}
    why = "is contradicted" if contradicted else (
        f"says what neither its own text nor another outlet carries ({', '.join(unbacked[:3])})")
    alert["message"] = f"{st.outlet(article)} headline {why}: \u201c{_snip(h['text'])}\u201d"
    return [alert]


def story_alerts(doc: dict[str, Any], new_articles: Sequence[str], options: AlertOptions | None = None,
                 created: str | None = None) -> list[dict[str, Any]]:
    """The alerts the ``new_articles`` of a checked story raise, in article then sentence order."""
    opts = options or AlertOptions()
    when = created or now_iso()
    st = _Story(doc)
    out: list[dict[str, Any]] = []
    for aid in new_articles:
        if aid not in st.articles:
            continue  # linked as a near-duplicate: it says nothing its original does not
        if "contradiction" in opts.kinds:
            out += _contradictions(st, aid, opts, when)
        if "unsourced_new_claim" in opts.kinds:
            out += _unsourced(st, aid, when)
        if "quote_altered" in opts.kinds:
            out += _altered_quotes(st, aid, when)
        if "headline_unsupported" in opts.kinds:
            out += _headline(st, aid, when)
    return out
