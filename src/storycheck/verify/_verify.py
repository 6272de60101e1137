from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .._options import Options
from .._time import surely_before
from .._types import Article, Contradiction, Evidence, Facts, Link, Sentence, Verdict
from ..analyze import analyze_sentence
from ..embed import EmbeddingBackend
from ._names import NameIndex
from ._quotes import reworded
from ._typed import Carried, attribution_conflict, find_contradiction


@dataclass(frozen=True)
class SupportFeatures:
    """What the support judgement looks at; one row of the scorer's input."""

    cos: float  # best dense cosine between the sentence and any evidence
    cov: float  # share of the sentence's content (idf-weighted) the best evidence carries
    cov_union: float  # the same over the top-k evidence together
    novel_names: int  # names in the sentence that no other article mentions
    novel_numbers: int  # quantities whose value no other article carries
    quote_only_here: bool  # it quotes words no other article has

    def vector(self) -> np.ndarray:
        return np.array(
            [self.cos, self.cov, self.cov_union, min(self.novel_names, 2),
             min(self.novel_numbers, 2), float(self.quote_only_here)],
            dtype=np.float64,
        )


# Hand-set on the motivating seed pair and our examples (v1). A sentence needs a close
# paraphrase (cosine ~0.6 on MiniLM) and no facts of its own to count as carried.
_WEIGHTS = np.array([9.0, 2.0, 2.5, -2.5, -2.0, -3.0])
_BIAS = -5.6


def support_probability(f: SupportFeatures) -> float:
    z = float(_WEIGHTS @ f.vector() + _BIAS)
    return 1.0 / (1.0 + math.exp(-z))


_NORM = re.compile(r"[^a-z0-9]+")


def _norm(text: str) -> str:
    return " " + _NORM.sub(" ", text.lower().replace("’", "'")).strip() + " "


class _Lexical:
    """idf-weighted content-word coverage between every pair of sentences."""

    def __init__(self, facts: Sequence[Facts]) -> None:
        vocab: dict[str, int] = {}
        for f in facts:
            for w in f.content:
                vocab.setdefault(w, len(vocab))
        n = len(facts)
        self.presence = np.zeros((n, max(len(vocab), 1)), dtype=np.float32)
        for i, f in enumerate(facts):
            for w in f.content:
                self.presence[i, vocab[w]] = 1.0
        df = self.presence.sum(axis=0)
        idf = np.log((n + 1) / (df + 0.5)).astype(np.float32)
        self.weighted = self.presence * idf
        self.total = np.maximum(self.weighted.sum(axis=1), 1e-9)

    def coverage(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """coverage[i, j]: share of sentence rows[i]'s weight found in sentence cols[j]."""
        return (self.weighted[rows] @ self.presence[cols].T) / self.total[rows, None]

    def union_coverage(self, row: int, cols: Sequence[int]) -> float:
        if not len(cols):
            return 0.0
        present = self.presence[list(cols)].max(axis=0)
        return float(self.weighted[row] @ present / self.total[row])


def _quote_found(quote: str, others_norm: str, evidence: Sequence[Facts]) -> bool:
    q = _norm(quote)
    if q in others_norm:
        return True
    qwords = set(_NORM.sub(" ", quote.lower()).split())
    for f in evidence:
        for other in f.quotes:
            owords = set(_NORM.sub(" ", other.lower()).split())
            if qwords and len(qwords & owords) / len(qwords) >= 0.6:
                return True
    return False


def _decide(s: Sentence, supported: bool) -> Verdict:
    facts = s.facts
    assert facts is not None
    if s.contradiction is not None:
        return "contradicted"
    if supported:
        return "supported"
    factual = facts.quantities or facts.dates or facts.quotes
    novel_names = s.features.novel_names if s.features else 0
    if not facts.checkable or (not factual and novel_names == 0 and len(facts.subjective) >= 2):
        return "opinion"
    return "unsupported"


class _Other:
    """What one other article offers as evidence: its rows, names, numbers, text."""

    def __init__(self, article: Article, rows: np.ndarray, facts: list[Facts]) -> None:
        self.article = article
        self.rows = rows
        self.names = NameIndex([article.text])
        self.norm = _norm(article.text)
        self.carried = Carried.of(facts)

    def novel_numbers(self, facts: Facts, tol: float) -> int:
        return sum(1 for q in facts.quantities if q.unit and not self.carried.has_quantity(q, tol))


def verify_articles(
    articles: Sequence[Article],
    embedder: EmbeddingBackend,
    options: Options | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Fill verdict, score, evidence and contradiction on every sentence of every article.

    Each other article takes a stance on each sentence (supports, contradicts or
    is silent); the verdict follows the stances, so one outlier cannot overturn
    a fact that several outlets carry, and one faithful copy cannot hide a
    contradiction from the rest.
    """
    opts = options or Options()
    flat: list[tuple[int, Sentence]] = []
    for ai, art in enumerate(articles):
        for s in art.sentences:
            if s.facts is None:
                s.facts = analyze_sentence(s.text)
            flat.append((ai, s))
    if not flat:
        return
    vecs = embedder.embed([s.text for _, s in flat])
    for (_, s), v in zip(flat, vecs):
        s.vector = v
    facts = [s.facts for _, s in flat]
    lex = _Lexical(facts)  # type: ignore[arg-type]
    owner = np.array([ai for ai, _ in flat])
    others = [
        _Other(a, np.flatnonzero(owner == ai), [facts[r] for r in np.flatnonzero(owner == ai)])  # type: ignore[misc]
        for ai, a in enumerate(articles)
    ]
    for ai, art in enumerate(articles):
        rows = others[ai].rows
        if not len(rows):
            continue
        cols = np.flatnonzero(owner != ai)
        cos = vecs[rows] @ vecs[cols].T if len(cols) else np.zeros((len(rows), 0))
        cov = lex.coverage(rows, cols) if len(cols) else np.zeros((len(rows), 0))
        ret = opts.dense_weight * cos + (1 - opts.dense_weight) * cov
        for i, r in enumerate(rows):
            _judge(flat[r][1], i, r, ai, cols, cos, cov, ret, lex, owner, flat, others, opts)
        if progress:
            progress(len(rows))


def _later_or_undated(mine: Article, theirs: Article) -> bool:
    """Whether an attribution change would be this article's doing: it came later, or
    one date is missing and nobody can tell who changed the source."""
    return not surely_before(mine.published, theirs.published)


def _judge(
    s: Sentence, i: int, r: int, ai: int, cols: np.ndarray, cos: np.ndarray, cov: np.ndarray,
    ret: np.ndarray, lex: _Lexical, owner: np.ndarray, flat: list[tuple[int, Sentence]],
    others: list[_Other], opts: Options,
) -> None:
    facts = s.facts
    assert facts is not None
    stances: list[tuple[int, float, SupportFeatures, object]] = []  # (article, p, features, contradiction)
    closest: dict[int, Evidence] = {}  # other article -> its closest sentence (the contradicting one if any)
    for bi, other in enumerate(others):
        if bi == ai or not len(other.rows):
            continue
        local = np.flatnonzero(owner[cols] == bi)
        order = local[np.argsort(-ret[i, local])]
        best = order[: opts.top_k]
        ev_facts = [flat[cols[j]][1].facts for j in best]
        f = SupportFeatures(
            cos=float(cos[i, best[0]]),
            cov=float(cov[i, best[0]]),
            cov_union=lex.union_coverage(r, [cols[j] for j in best]),
            novel_names=sum(1 for n in facts.names if not other.names.has(n)),
            novel_numbers=other.novel_numbers(facts, opts.number_tolerance),
            quote_only_here=any(
                not _quote_found(q, other.norm, ev_facts) for q in facts.quotes if len(q.split()) >= 3  # type: ignore[arg-type]
            ),
        )
        hit = None
        for j in order[:5]:
            if ret[i, j] < opts.related_threshold:
                break
            ev = flat[cols[j]][1]
            hit = find_contradiction(
                facts, ev.facts,  # type: ignore[arg-type]
                article=other.article.id, sentence=ev.index, tolerance=opts.number_tolerance,
                near_duplicate=bool(cos[i, j] >= 0.85), carried=other.carried,
                texts=(s.text, ev.text), names=other.names,
            )
            if hit:
                break
        p_b = support_probability(f)
        if hit is None and p_b >= opts.support_threshold and _later_or_undated(others[ai].article, other.article):
            ev = flat[cols[best[0]]][1]
            changed = reworded(s.quotes, ev.quotes)
            if changed:
                hit = Contradiction("quote", changed[0], changed[1], other.article.id, ev.index)
            elif conflict := attribution_conflict(s.attribution, ev.attribution):
                hit = Contradiction("attribution", conflict[0], conflict[1], other.article.id, ev.index)
        stances.append((bi, p_b, f, hit))
        j = local[hit.sentence] if hit is not None else best[0]  # type: ignore[attr-defined]
        closest[bi] = Evidence(other.article.id, flat[cols[j]][1].index, flat[cols[j]][1].text, round(float(ret[i, j]), 4))
    s.supported_by = [others[st[0]].article.id for st in stances if st[3] is None and st[1] >= opts.support_threshold]
    s.contradicted_by = [others[st[0]].article.id for st in stances if st[3] is not None]
    s.links = [
        Link(others[st[0]].article.id, closest[st[0]].sentence, round(st[1], 4),
             "contradicts" if st[3] is not None else "carries" if st[1] >= opts.support_threshold else "silent",
             st[3], round(st[2].cos, 4), closest[st[0]])  # type: ignore[arg-type]
        for st in stances
    ]
    best_stance = max(stances, key=lambda st: st[1], default=None)
    s.features = best_stance[2] if best_stance else None
    top = np.argsort(-ret[i])[: opts.top_k] if len(cols) else []
    s.evidence = [
        Evidence(others[owner[cols[j]]].article.id, flat[cols[j]][1].index, flat[cols[j]][1].text,
                 round(float(ret[i, j]), 4))
        for j in top
    ]
    settle(s, top_k=opts.top_k)


def settle(
    s: Sentence,
    *,
    source_of: Callable[[str], str] | None = None,
    own: str | None = None,
    top_k: int = 3,
) -> None:
    """Verdict, score and contradiction from the stances of the other articles.

    Stances are counted per source: per article by default, per copy family when
    ``source_of`` maps articles to families (then support from the sentence's own
    family, ``own``, does not count, and such a sentence is ``only_in_copies``).
    A typed mismatch wins when more sources contradict the sentence than carry it
    (in a tie the sentence's own source is the casting vote: two outlets against one).
    A copy that drifted a number or a date from its own family still contradicts it;
    a negation flip inside a family does not, because spinning rewords freely
    ("chose to stay silent" → "chose to say nothing").
    """
    key = source_of or (lambda a: a)
    support = {key(ln.article) for ln in s.links if ln.stance == "carries"} - {own}
    against = [ln for ln in s.links if ln.stance == "contradicts" and not (
        source_of is not None and key(ln.article) == own and ln.contradiction is not None
        and ln.contradiction.type == "negation")]
    s.independent_sources = len(support) if source_of else None
    s.only_in_copies = bool(source_of) and not support and any(ln.stance == "carries" for ln in s.links)
    counted = [ln for ln in s.links if key(ln.article) != own or source_of is None]
    p = max((ln.score for ln in counted), default=0.0)
    s.contradiction = None
    if against and len({key(ln.article) for ln in against}) > len(support):
        strongest = max(against, key=lambda ln: ln.cos)
        s.contradiction = strongest.contradiction
        p = min(p, 0.1)  # a typed mismatch outweighs any similarity
        c = s.contradiction
        if c is not None and strongest.evidence is not None and not any(
                e.article == c.article and e.sentence == c.sentence for e in s.evidence):
            s.evidence = [strongest.evidence] + s.evidence[: top_k - 1]
    if source_of is not None:  # independent evidence first, then the sentence's own copies
        s.evidence.sort(key=lambda e: key(e.article) == own)
    s.score = round(p, 4)
    s.verdict = _decide(s, bool(support))



