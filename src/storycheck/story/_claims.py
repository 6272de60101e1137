"""Distinct claims of a story: the claim × outlet matrix, first reporters, mutation trails.

A claim is a group of sentences from different articles that all say the same
thing. Sentences are grouped by average-link clustering over the judgement's pair
scores: two groups merge only when their members, taken pair by pair, carry one
another on average, so a chain of loose paraphrases never swallows the story (a
connected-components grouping did: on real coverage every paraphrase links to a
few others). A sentence that contradicts a claim joins it as a contradicting cell.
Its versions in published-time order form the mutation trail: what changed at
each step.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from .._time import day_of, first_of, sort_key, surely_before
from .._types import Article, Sentence
from ..analyze import analyze_sentence, content_words, resolve_dates
from ..analyze._lexicon import STOPWORDS
from ..verify._quotes import reworded
from ..verify._typed import APPROX_TOLERANCE, same_value
from ._reuse import word_set

Cell = Literal["carries", "contradicts", "silent"]

#: Average pair weight (see pair_weights) at or above which two groups of sentences are one
#: claim. Pairs left out count 0, so a group grows only when each newcomer is close to most
#: of its members, not one of them. Measured on bench/claims (docs/benchmarks.md,
#: claims_grouping): B³ F1 0.89 / 0.94 / 0.92 at 0.45 / 0.5 / 0.55.
MERGE_SCORE = 0.5
#: Sentence vectors closer than this (cosine) tie two sentences even with no link; below
#: it a pair is left out. 0.3 is under almost every paraphrase pair of bench/claims
#: (10th percentile 0.52) and cuts most of the pairs of a story.
COS_FLOOR = 0.3
#: Weight of a "contradicts" link: the two sentences are about the same thing (the claim and
#: its drifted version), as strong a tie as a confident paraphrase.
CONTRADICTS_WEIGHT = 0.9

Key = tuple[str, int]  # (article id, sentence index)


@dataclass
class Version:
    article: str
    sentence: int
    text: str
    published: str | None
    changes: list[dict[str, Any]] = field(default_factory=list)  # against the previous version


@dataclass
class Claim:
    id: str
    text: str  # the version most articles carry
    cells: dict[str, Cell]  # article id -> cell
    first_reporter: str | None  # article id, None when nobody was surely first
    first_published: str | None
    versions: list[Version]  # time order; undated last
    first_day: str | None = None  # the earliest day a carrier was published (YYYY-MM-DD)
    first_day_articles: list[str] = field(default_factory=list)  # the carriers published that day
    undated: list[str] = field(default_factory=list)  # carriers with no date, never ordered

    @property
    def carriers(self) -> list[str]:
        return [a for a, c in self.cells.items() if c != "silent"]


def pair_weights(articles: Sequence[Article]) -> dict[tuple[Key, Key], float]:
    """Symmetric weight of every pair of sentences from two articles: the higher of the
    judgement's support score (either direction) and the cosine of the two sentences'
    vectors, or CONTRADICTS_WEIGHT for a contradiction. Pairs below COS_FLOOR with no
    link are left out (weight 0).

    The link scores alone are sparse (a sentence links to the closest sentence of each
    other article only) and miss loose paraphrases; the cosine covers every pair."""
    key = {(a.id, s.index) for a in articles for s in a.sentences}
    w: dict[tuple[Key, Key], float] = {}
    for a in articles:
        for s in a.sentences:
            x = (a.id, s.index)
            for ln in s.links:
                y = (ln.article, ln.sentence)
                if y not in key or y == x or ln.stance == "silent" and ln.score <= 0:
                    continue
                v = CONTRADICTS_WEIGHT if ln.stance == "contradicts" else ln.score
                e = (x, y) if x < y else (y, x)
                if v > w.get(e, 0.0):
                    w[e] = v
    for e, v in _cosines(articles):
        if v > w.get(e, 0.0):
            w[e] = v
    return w


def _cosines(articles: Sequence[Article]) -> list[tuple[tuple[Key, Key], float]]:
    """Sentence pairs of different articles whose vectors' cosine is at least COS_FLOOR."""
    have = [(n, (a.id, s.index), s.vector) for n, a in enumerate(articles) for s in a.sentences if s.vector is not None]
    if len(have) < 2:
        return []
    keys = [k for _, k, _ in have]
    owner = np.array([n for n, _, _ in have])
    vecs = np.stack([v for _, _, v in have]).astype(np.float32)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    sim = vecs @ vecs.T
    ok = np.triu(sim >= COS_FLOOR, 1) & (owner[:, None] != owner[None, :])
    rows, cols = np.nonzero(ok)
    return [(((keys[i], keys[j]) if keys[i] < keys[j] else (keys[j], keys[i])), float(sim[i, j]))
            for i, j in zip(rows.tolist(), cols.tolist(), strict=True)]


def average_link(items: Sequence[Key], weights: dict[tuple[Key, Key], float], cut: float) -> list[list[Key]]:
    """Groups of items whose mean pairwise weight (missing pairs 0) stays at or above ``cut``.

    Greedy agglomeration, best mean first; only linked groups are candidates, and a
    merge never lowers any group's mean below ``cut``, so a group cannot chain."""
    group = {x: i for i, x in enumerate(items)}
    members: dict[int, list[Key]] = {i: [x] for i, x in enumerate(items)}
    between: dict[int, dict[int, float]] = defaultdict(dict)
    for (x, y), v in weights.items():
        gx, gy = group[x], group[y]
        between[gx][gy] = between[gx].get(gy, 0.0) + v
        between[gy][gx] = between[gy].get(gx, 0.0) + v
    heap = [(-_mean(total, 1, 1), gx, gy) for gx, row in between.items() for gy, total in row.items() if gx < gy]
    heapq.heapify(heap)
    while heap:
        neg, gx, gy = heapq.heappop(heap)
        if -neg < cut:
            break
        if gx not in members or gy not in members:
            continue  # a stale entry: one side has merged since
        mean = _mean(between[gx].get(gy, 0.0), len(members[gx]), len(members[gy]))
        if abs(mean + neg) > 1e-12:
            continue  # stale: the pair's mean changed
        members[gx].extend(members.pop(gy))  # gy into gx
        row_y = between.pop(gy)
        row_y.pop(gx, None)
        between[gx].pop(gy, None)
        for gz, v in row_y.items():
            between[gz].pop(gy, None)
            between[gx][gz] = between[gx].get(gz, 0.0) + v
            between[gz][gx] = between[gx][gz]
        for gz, total in between[gx].items():
            heapq.heappush(heap, (-_mean(total, len(members[gx]), len(members[gz])), min(gx, gz), max(gx, gz)))
    order = {x: i for i, x in enumerate(items)}
    return sorted((sorted(m, key=order.__getitem__) for m in members.values()), key=lambda m: order[m[0]])


def _mean(total: float, n: int, m: int) -> float:
    return total / (n * m)


def find_claims(articles: Sequence[Article]) -> list[Claim]:
    """Rows of the matrix: every sentence in exactly one claim; opinions only when others carry them."""
    key = {(a.id, s.index): (a, s) for a in articles for s in a.sentences}
    groups = [[key[m] for m in members] for members in average_link(list(key), pair_weights(articles), MERGE_SCORE)]
    for g, part in split_clauses(groups):
        groups[g].append(part)
    claims = []
    for sents in groups:
        if len(sents) == 1 and sents[0][1].verdict == "opinion":
            continue
        claims.append(_claim(sents, articles))
    order = {a.id: i for i, a in enumerate(articles)}
    claims.sort(key=lambda c: (-len(c.carriers), order[c.versions[0].article], c.versions[0].sentence))
    for i, c in enumerate(claims, 1):
        c.id = f"c{i}"
    return claims


#: Where a sentence may hold two claims: a semicolon, or a comma before "and", "while",
#: "but", "whereas" that opens a new clause.
_CLAUSE = re.compile(r"\s*;\s+|,\s+(?=(?:and|while|but|whereas)\s)")
#: A clause joins another claim when this share of its content words is in one of that
#: claim's sentences, and at most CLAUSE_OWN of them in any other sentence of its own claim.
CLAUSE_COVER = 0.6
CLAUSE_OWN = 0.4
#: Clauses shorter than this (content words) are too small to be a claim of their own.
CLAUSE_MIN_WORDS = 4


def clauses(text: str) -> list[str]:
    """The clauses of a sentence that may each carry a claim ("…, and 12 workers were hurt")."""
    parts = [p.strip(" ,;") for p in _CLAUSE.split(text)]
    parts = [re.sub(r"^(?:and|while|but|whereas)\s+", "", p) for p in parts if p]
    return parts if len(parts) > 1 else []


def split_clauses(groups: list[list[tuple[Article, Sentence]]]) -> list[tuple[int, tuple[Article, Sentence]]]:
    """A sentence that holds two claims also joins the claim its other clause states:
    (group index, the clause as a sentence of its article) for each such clause.

    A clause goes to another claim only when that claim's sentences cover it and its
    own claim's other sentences do not, and when that claim has no sentence of its
    article yet (the article would carry it twice)."""
    words = [[frozenset(content_words(s.text)) for _, s in g] for g in groups]
    sizable = [g for g in range(len(groups)) if len({a.id for a, _ in groups[g]}) >= 2]
    out = []
    for gx, group in enumerate(groups):
        for k, (a, s) in enumerate(group):
            for part in clauses(s.text):
                cw = frozenset(content_words(part))
                if len(cw) < CLAUSE_MIN_WORDS:
                    continue
                own = max((len(cw & w) / len(cw) for j, w in enumerate(words[gx]) if j != k), default=0.0)
                if own > CLAUSE_OWN:
                    continue
                best, cover = None, CLAUSE_COVER
                for gy in sizable:
                    if gy == gx or any(b.id == a.id for b, _ in groups[gy]):
                        continue
                    c = max(len(cw & w) / len(cw) for w in words[gy])
                    if c >= cover:
                        best, cover = gy, c
                if best is not None:
                    out.append((best, (a, _clause_sentence(s, part, a.published))))
    return out


def _clause_sentence(s: Sentence, part: str, published: str | None = None) -> Sentence:
    """A clause as a sentence of its own: same place and verdict, its own facts and wording
    (its dates read against its article's publication date)."""
    facts = analyze_sentence(part)
    resolve_dates(facts, part, s.language, published)
    return replace(s, text=part, facts=facts, quotes=[q for q in s.quotes if q.text in part])


def _claim(sents: list[tuple[Article, Sentence]], articles: Sequence[Article]) -> Claim:
    cells: dict[str, Cell] = {a.id: "silent" for a in articles}
    for a, s in sents:
        if cells[a.id] != "contradicts":
            cells[a.id] = "contradicts" if s.verdict == "contradicted" else "carries"
    rep = max(sents, key=lambda x: (x[1].verdict != "contradicted", x[1].independent_sources or 0,
                                    len(x[1].supported_by), -len(x[1].contradicted_by)))
    seq = sorted(sents, key=lambda x: sort_key(x[0].published))
    # first reporter: only when one carrier was surely published before all the others
    published = {a.id: a.published for a, _ in sents}
    earliest = first_of(published)
    first = next((a for a, _ in sents if a.id == earliest), None)
    versions = [Version(a.id, s.index, s.text, a.published) for a, s in seq]
    for k in range(1, len(seq)):
        versions[k].changes = mutation(seq[k - 1][1], seq[k][1], (_language(*seq[k - 1]), _language(*seq[k])))
    day, on_day, undated = first_day(published)
    return Claim("", rep[1].text, cells, first.id if first else None, first.published if first else None, versions,
                 day, on_day, undated)


def first_day(published: dict[str, str | None]) -> tuple[str | None, list[str], list[str]]:
    """The earliest day any dated carrier was published, the carriers of that day that
    nobody surely preceded (in input order), and the undated carriers.

    Articles that carry only a date are ordered by day, never within one: this is
    what "first reported" can honestly say about them."""
    days = {k: day_of(p) for k, p in published.items()}
    undated = [k for k, d in days.items() if d is None]
    dated = {k: d for k, d in days.items() if d is not None}
    if not dated:
        return None, [], undated
    day = min(dated.values())
    same = [k for k, d in dated.items() if d == day]
    top = [k for k in same if not any(surely_before(published[j], published[k]) for j in same if j != k)]
    return day, top, undated


def _language(article: Article, s: Sentence) -> str:
    return s.language or article.language or "en"


def _marks(before: Sentence, after: Sentence, translated: bool) -> tuple[list[str], list[str], list[str]]:
    """Hedges dropped, hedges added, loaded words added. Across languages which word cannot be
    compared, only whether a version has one."""
    hb, ha, lb, la = set(before.hedges), set(after.hedges), set(before.loaded), set(after.loaded)
    if translated:
        return (sorted(hb)[:1] if hb and not ha else [], sorted(ha)[:1] if ha and not hb else [],
                sorted(la)[:1] if la and not lb else [])
    return sorted(hb - ha), sorted(ha - hb), sorted(la - lb)


def mutation(before: Sentence, after: Sentence, languages: tuple[str, str] = ("en", "en")) -> list[dict[str, Any]]:
    """What changed from one version of a claim to the next, typed where we can say what;
    a version told in another language says so first (its words are then not compared)."""
    out: list[dict[str, Any]] = []
    if before.text == after.text:
        return [{"type": "unchanged"}]
    translated = languages[0] != languages[1]
    if translated:
        out.append({"type": "language", "from": languages[0], "to": languages[1]})
    kb = before.attribution.kind if before.attribution else "none"
    ka = after.attribution.kind if after.attribution else "none"
    sb = before.attribution.source if before.attribution else None
    sa = after.attribution.source if after.attribution else None
    if kb != ka:
        out.append({"type": "source_kind", "from": f"{kb}: {sb}" if sb else kb, "to": f"{ka}: {sa}" if sa else ka})
    fb, fa = before.facts, after.facts
    if fb is not None and fa is not None:
        for q in fa.quantities:
            same_unit = [p for p in fb.quantities if p.unit == q.unit and q.unit and p.part == q.part]
            tol = APPROX_TOLERANCE if q.approx else 0.02
            if same_unit and not any(same_value(p.value, q.value, tol) for p in same_unit):
                out.append({"type": "number", "from": same_unit[0].text, "to": q.text})
        days_b = {(d.month, d.day) for d in fb.dates if d.day}
        for d in fa.dates:
            if d.day and days_b and (d.month, d.day) not in days_b:
                out.append({"type": "date", "from": next(x.text for x in fb.dates if x.day), "to": d.text})
    changed = None if translated else reworded(after.quotes, before.quotes)
    if changed:
        out.append({"type": "quote", "from": changed[1], "to": changed[0]})
    dropped, added, loaded = _marks(before, after, translated)
    for h in dropped:
        out.append({"type": "hedge_dropped", "word": h})
    for h in added:
        out.append({"type": "hedge_added", "word": h})
    for w in loaded:
        out.append({"type": "loaded_added", "word": w})
    wb, wa = (set(word_set(x.text)) - STOPWORDS for x in (before, after))
    if not translated and (wa - wb or wb - wa):
        out.append({"type": "wording", "added": sorted(wa - wb)[:8], "removed": sorted(wb - wa)[:8]})
    return out
