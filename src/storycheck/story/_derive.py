"""Derivation between two articles: what a rewrite keeps when it changes every word.

A language-model rewrite keeps no sentence word for word, so sentence alignment by
shared words (``_reuse``) misses it. What it keeps is the claims, in their order,
and the distinctive details: quotes (reworded or not), numbers with their units,
names, rare phrases and the same errors. Verify has already decided, for every
sentence, which sentence of every other article is closest to carrying it; two
sentences that point at each other are one claim told twice. Over those aligned
claims we measure:

- ``claim_order``: the share of the aligned claims that keep their order (the
  longest increasing run over the pairs, divided by the pairs); a rewrite keeps
  the sequence, independent reports order the facts their own way;
- shared details: distinctive details both articles carry;
- shared innovations: shared details that no article outside the two carries,
  other than articles derived from them, while some other article telling the
  same claims lacks them, and that the story's first article does not already say.
  In text stemmatics a shared innovation is the sign of a common ancestor; here it
  is what makes several farm sites one source;
- shared phrasing: word pairs (two content words in a row, any script) that only the
  two articles (and their copies) use, counted over the span both pages hold. Real
  pages are excerpts cut at about 2,000 bytes, and a rewrite reorders sentences and
  adds its own: its claims then align too sparsely for the tests above, but the
  wording it kept from its source still does not occur anywhere else. Independent
  reports of one event share a few such pairs (names of places and bodies), a
  rewrite network shares tens.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise
from typing import Literal

from .._graph import components
from .._time import first_of
from .._types import Article, Quantity, Sentence
from ..analyze import STOPWORDS
from ..lang import LEXICON_LANGUAGES, lexicon
from ..verify import name_key

DetailKind = Literal["quote", "number", "name", "phrase", "error"]

#: Two sentences are one claim told twice when each is the other's closest sentence
#: and the claim model gives this much either way: a rewrite that changes every word
#: still scores 0.2–0.5 on our network, unrelated sentences of one story below 0.15.
ALIGN_SCORE = 0.2
#: ... or their sentence vectors are this close (a rewrite the model misreads).
ALIGN_COSINE = 0.6
#: Rewritten: this share of the shorter article's sentences aligned (our network's
#: rewrites 0.67–1.0 against the wire or another site; its independent reports up to
#: 0.71, but with a third of those claims out of order) ...
REWRITE_COVER = 0.6
#: ... nearly all of them in order (a rewrite may move one claim) ...
REWRITE_ORDER = 0.85
#: ... and this share of both articles together (2 × aligned / (sentences of a + of b)):
#: a rewrite retells its source, where an independent report that shares the shorter
#: article's facts in news order says much else besides (ECB+ same-event reports) ...
REWRITE_BOTH = 0.7
#: ... and at least this many claims, so two short notes on one event are not a rewrite
#: (our merrow-bridge example: a 4-sentence trimmed copy aligns 4 of 4 in order with an
#: independent report that follows the same news order).
REWRITE_MIN_CLAIMS = 5
#: Derived: a strong shared innovation (a quote, a number with its unit) or this many names
#: (an added source is a name) ...
NAME_INNOVATIONS = 2
#: ... on top of this share of aligned claims, mostly in order: sharing one fact that
#: others omit is what two independent reports often do, telling the same story in
#: the same order with it is not.
DERIVED_COVER = 0.4
DERIVED_ORDER = 0.8
#: ... and this share of both articles together: two ECB+ reports of one trade rumour
#: share the player's batting average (a true fact others omit) with 0.47 of their claims.
DERIVED_BOTH = 0.5
#: A detail carried by more than this share of the articles is common knowledge of the
#: story, not distinctive.
DISTINCTIVE_SHARE = 0.5
#: Quotes this similar (token sequence ratio) are one quote reworded (as verify/_quotes).
QUOTE_RATIO = 0.6

#: Derived by wording: this many word pairs that only the two groups use (real rewrites
#: of one source, realnews TUNE stories: 6 to 52; independent reports of one event at most 10) ...
PHRASE_LINK = 12
#: ... making at least this share of the rarer pairs of the span both pages hold (up to the
#: last pair they share): TUNE rewrites 0.29 to 0.93; two long independent ECB+ reports of one
#: event (bench/derivation_labels.json) share 24 pairs, but 0.12 of their span ...
PHRASE_LINK_SHARE = 0.25
#: ... or fewer pairs, from this many, that make this share: a short excerpt cut at 2,000
#: bytes holds few (TUNE: 6 pairs, 0.5 of the span; independent reports at most 0.38).
PHRASE_SPAN_MIN = 6
PHRASE_SPAN_SHARE = 0.5

_WORD = re.compile(r"[a-z0-9]+")
_LETTERS = re.compile(r"[^\W\d_]+")  # words of letters, any script
#: Errors are shared details, not innovations: two reports of one event that both
#: disagree with a third (or with another event's report) need not share an ancestor.
_STRONG: frozenset[DetailKind] = frozenset({"quote", "number"})
#: Rare phrases are shared details, never innovations: two reports of one event share
#: "county fire service" because both name it, not because one read the other.
_INNOVATIVE: frozenset[DetailKind] = _STRONG | {"name"}
_RANK = {"quote": 0, "number": 1, "error": 2, "name": 3, "phrase": 4}


@dataclass(frozen=True)
class Detail:
    kind: DetailKind
    text: str  # as a reader would recognise it (the first carrier's wording)


@dataclass(frozen=True)
class Derivation:
    """The evidence that links two articles ``a`` and ``b`` (ids, a < b)."""

    a: str
    b: str
    pairs: tuple[tuple[int, int], ...]  # aligned claims: (sentence of a, sentence of b), in a's order
    claim_order: float  # share of the aligned claims in order
    cover: float  # aligned share of the shorter article
    both: float  # aligned share of the two articles together
    shared_details: tuple[Detail, ...]
    shared_innovations: tuple[Detail, ...]
    shared_phrasing: tuple[str, ...] = ()  # word pairs only the two groups use, in a's order
    phrasing_share: float = 0.0  # ... over the rarer pairs of the span both pages hold

    @property
    def phrased(self) -> bool:
        """Derived by wording: the pair shares phrasing nobody else uses."""
        n = len(self.shared_phrasing)
        share = self.phrasing_share
        return ((n >= PHRASE_LINK and share >= PHRASE_LINK_SHARE)
                or (n >= PHRASE_SPAN_MIN and share >= PHRASE_SPAN_SHARE))

    @property
    def rewritten(self) -> bool:
        return (len(self.pairs) >= REWRITE_MIN_CLAIMS and self.cover >= REWRITE_COVER
                and self.both >= REWRITE_BOTH and self.claim_order >= REWRITE_ORDER)

    @property
    def derived(self) -> bool:
        strong = sum(d.kind in _STRONG for d in self.shared_innovations)
        enough = strong >= 1 or len(self.shared_innovations) >= NAME_INNOVATIONS
        return self.phrased or (enough and self.cover >= DERIVED_COVER and self.both >= DERIVED_BOTH
                                and self.claim_order >= DERIVED_ORDER and len(self.pairs) >= 2)

    @property
    def linked(self) -> bool:
        return self.rewritten or self.derived

    def swapped(self) -> tuple[tuple[int, int], ...]:
        """The aligned claims as (sentence of b, sentence of a)."""
        return tuple(sorted((j, i) for i, j in self.pairs))


# -- claim alignment from verify's links ------------------------------------------------------

#: (article, other) → sentence → (the other's evidence window, score, cosine)
Closest = dict[tuple[str, str], dict[int, tuple[tuple[int, ...], float, float]]]


def _closest(articles: Sequence[Article]) -> Closest:
    """Where each sentence's link to each other article points (a window of 1 to 3
    sentences; -1, the headline, may be among them and never aligns)."""
    out: Closest = defaultdict(dict)
    for a in articles:
        for s in a.sentences:
            for ln in s.links:
                window = ln.evidence.sentences if ln.evidence is not None and ln.evidence.sentences else (ln.sentence,)
                out[(a.id, ln.article)][s.index] = (window, ln.score, ln.cos)
    return out


def align_claims(a: Article, b: Article, closest: Closest) -> tuple[tuple[int, int], ...]:
    """Sentence pairs (of a, of b) that point at each other, one to one, strongest first."""
    ab, ba = closest.get((a.id, b.id), {}), closest.get((b.id, a.id), {})
    cands = []
    for i, (win, score, cos) in ab.items():
        for j in win:
            back = ba.get(j)
            if back is None or i not in back[0]:
                continue
            strength = max(score, back[1])
            if strength >= ALIGN_SCORE or max(cos, back[2]) >= ALIGN_COSINE:
                cands.append((strength, max(cos, back[2]), -i, -j))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, _, ni, nj in sorted(cands, reverse=True):
        if -ni not in used_a and -nj not in used_b:
            used_a.add(-ni)
            used_b.add(-nj)
            pairs.append((-ni, -nj))
    return tuple(sorted(pairs))


def order_share(pairs: Sequence[tuple[int, int]]) -> float:
    """Longest run of pairs increasing on both sides, over all pairs (1.0 when none or one)."""
    if len(pairs) < 2:
        return 1.0 if pairs else 0.0
    tails: list[int] = []
    for _, j in sorted(pairs):
        k = bisect.bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
        else:
            tails[k] = j
    return len(tails) / len(pairs)


# -- distinctive details ----------------------------------------------------------------------

def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def _quantity_key(q: Quantity) -> str | None:
    if q.unit in ("year", ""):  # a bare number or a count of years says too little of what it counts
        return None
    return f"{q.value:g} {q.unit}".strip() if q.text else None


def _sentence_details(s: Sentence) -> Iterable[tuple[DetailKind, str, str]]:
    """(kind, key, text) of every distinctive detail candidate of one sentence."""
    f = s.facts
    if f is not None:
        for q in f.quantities:
            key = _quantity_key(q)
            if key:
                yield "number", key, q.text
        for n in f.names:
            if len(n.split()) >= 2:  # a full name; one capitalised word is often just a sentence's first
                yield "name", name_key(n), n
    for x, y in pairwise(_tokens(s.text)):
        if x not in STOPWORDS and y not in STOPWORDS and not (x.isdigit() or y.isdigit()):
            yield "phrase", f"{x} {y}", f"{x} {y}"
    for ln in s.links:  # a claim others contradict with a typed check is an error the carriers share
        c = ln.contradiction
        if ln.stance == "contradicts" and c is not None and c.type in ("number", "date", "entity"):
            yield "error", f"{c.type}:{c.claim_span.lower()}", c.claim_span


class Details:
    """Every article's distinctive details, with quotes matched across rewordings."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.of: dict[str, dict[tuple[DetailKind, str], str]] = {}
        for a in sorted(articles, key=lambda x: x.id):
            got: dict[tuple[DetailKind, str], str] = {}
            for s in a.sentences:
                for kind, key, text in _sentence_details(s):
                    got.setdefault((kind, key), text)
            self.of[a.id] = got
        self._quotes(articles)
        df = Counter(k for got in self.of.values() for k in got)
        cap = max(2, int(DISTINCTIVE_SHARE * len(articles)))
        self.carriers: dict[tuple[DetailKind, str], frozenset[str]] = {}
        for got in self.of.values():
            for k in list(got):
                if df[k] < 2 or df[k] > cap:
                    del got[k]  # nobody else has it, or everybody does: not distinctive
        for aid, got in self.of.items():
            for k in got:
                self.carriers[k] = self.carriers.get(k, frozenset()) | {aid}

    def _quotes(self, articles: Sequence[Article]) -> None:
        """One key per quote, shared by its rewordings (the first wording, in id order, names it)."""
        seen: list[tuple[list[str], str]] = []
        for a in sorted(articles, key=lambda x: x.id):
            for s in a.sentences:
                for q in s.quotes:
                    toks = _tokens(q.text)
                    if len(toks) < 4:
                        continue  # "necessary", "useful": one-word quotes are everywhere
                    key = next((k for t, k in seen if SequenceMatcher(None, toks, t, autojunk=False).ratio()
                                >= QUOTE_RATIO), None)
                    if key is None:
                        key = " ".join(toks)
                        seen.append((toks, key))
                    self.of[a.id].setdefault(("quote", key), q.text)

    def shared(self, a: str, b: str) -> list[tuple[DetailKind, str]]:
        """Details both carry, strongest kind first."""
        return sorted(set(self.of[a]) & set(self.of[b]), key=lambda k: (_RANK[k[0]], k[1]))


# -- shared phrasing -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """Function words of every language we read: a pair with one says nothing of who wrote it."""
    out = set(STOPWORDS)
    for code in LEXICON_LANGUAGES:
        lex = lexicon(code)
        if lex is not None:
            out |= lex.stopwords
    return frozenset(out)


def word_pairs(article: Article) -> dict[str, int]:
    """Each pair of content words in a row (letters only, any script) of the article's
    sentences, with the position of its first word."""
    stop = _stopwords()
    words = [w for s in article.sentences for w in _LETTERS.findall(s.text.lower())]
    out: dict[str, int] = {}
    for i, (x, y) in enumerate(pairwise(words)):
        if len(x) > 1 and len(y) > 1 and x not in stop and y not in stop:
            out.setdefault(f"{x} {y}", i)
    return out


class Phrasing:
    """Rare word pairs per article: those at most ``cap`` articles of the story use."""

    def __init__(self, articles: Sequence[Article]) -> None:
        grams = {a.id: word_pairs(a) for a in articles}
        carriers: dict[str, set[str]] = defaultdict(set)
        for aid, got in grams.items():
            for g in got:
                carriers[g].add(aid)
        cap = max(2, int(DISTINCTIVE_SHARE / 2 * len(articles)))
        self.carriers = {g: frozenset(c) for g, c in carriers.items() if len(c) <= cap}
        self.at = {aid: {g: i for g, i in got.items() if g in self.carriers} for aid, got in grams.items()}

    def shared(self, a: str, b: str, group: dict[str, int]) -> tuple[tuple[str, ...], float]:
        """The rare pairs ``a`` and ``b`` share that no article outside their two groups
        (``group``: article → group number) uses, in a's order, and their share of the
        rarer pairs of the shorter of the two spans up to the last pair shared: a page
        cut short is not faulted for the wording that came after its cut."""
        at_a, at_b = self.at.get(a, {}), self.at.get(b, {})
        mine = {group[a], group[b]}
        shared = sorted((g for g in at_a if g in at_b and all(group[c] in mine for c in self.carriers[g])),
                        key=lambda g: at_a[g])
        if not shared:
            return (), 0.0
        end_a, end_b = at_a[shared[-1]], max(at_b[g] for g in shared)
        held = min(sum(i <= end_a for i in at_a.values()), sum(i <= end_b for i in at_b.values()))
        return tuple(shared), round(len(shared) / max(1, held), 4)


# -- the derivation of every pair --------------------------------------------------------------

def derivations(
    articles: Sequence[Article], linked: Iterable[tuple[str, str]] = ()
) -> dict[tuple[str, str], Derivation]:
    """The evidence between every pair of articles that share an aligned claim, keyed (a, b)
    with a < b. ``linked`` are pairs already known to derive (copies), so that what
    copies of one source share is not taken for an innovation of two others.

    Innovations need witnesses: a detail is an innovation of a pair only when some
    article outside the group the two would form aligns with one of them and lacks it.
    Groups are first formed from copies and rewrites (claims in order), then details
    that only one such group carries count as that group's innovations."""
    arts = sorted(articles, key=lambda x: x.id)
    closest = _closest(arts)
    details = Details(arts)
    aligned: dict[tuple[str, str], tuple[tuple[int, int], ...]] = {}
    for x in range(len(arts)):
        for y in range(x + 1, len(arts)):
            pairs = align_claims(arts[x], arts[y], closest)
            if pairs:
                aligned[(arts[x].id, arts[y].id)] = pairs
    size = {a.id: len(a.sentences) for a in arts}

    def make(a: str, b: str, innovations: Sequence[tuple[DetailKind, str]],
             phrased: tuple[tuple[str, ...], float] = ((), 0.0)) -> Derivation:
        pairs = aligned.get((a, b), ())
        shared = details.shared(a, b)
        n = len(pairs)
        return Derivation(a, b, pairs, round(order_share(pairs), 4), round(n / max(1, min(size[a], size[b])), 4),
                          round(2 * n / max(1, size[a] + size[b]), 4),
                          tuple(Detail(k, details.of[a][(k, key)]) for k, key in shared),
                          tuple(Detail(k, details.of[a][(k, key)]) for k, key in innovations),
                          phrased[0], phrased[1])

    first = {p: make(*p, ()) for p in aligned}
    known = {(min(p), max(p)) for p in linked}
    edges = [p for p, d in first.items() if d.rewritten] + sorted(known)
    group = {m: n for n, g in enumerate(components([a.id for a in arts], edges)) for m in g}
    partners: dict[str, set[str]] = defaultdict(set)
    for a, b in aligned:
        partners[a].add(b)
        partners[b].add(a)
    # what the story's first article already says is the original reading, not an innovation:
    # two reports that both kept the wire's "14 cracks" where a rewrite made it 40 share a
    # true fact, not an ancestor (stemmatics: agreement in the original proves nothing)
    root = first_of({a.id: a.published for a in arts})
    phrasing = Phrasing(arts)
    out: dict[tuple[str, str], Derivation] = {}
    for x in range(len(arts)):
        for y in range(x + 1, len(arts)):
            a, b = arts[x].id, arts[y].id
            mine = {group[a], group[b]}
            # wording kept from a common source: the original's own wording counts too
            # (unlike a fact it says), since independent reports do not share tens of word pairs
            witnesses = {w for w in partners[a] | partners[b] if group[w] not in mine}
            # rare wording needs a witness too: in a story of two, every word pair they share is "rare"
            phrased = phrasing.shared(a, b, group) if witnesses else ((), 0.0)
            d = first.get((a, b))
            if d is None and len(phrased[0]) < PHRASE_SPAN_MIN:
                continue
            innovations = [k for k in details.shared(a, b)
                           if k[0] in _INNOVATIVE and witnesses and root not in details.carriers[k]
                           and all(group[c] in mine for c in details.carriers[k])]
            out[(a, b)] = make(a, b, innovations, phrased) if innovations or phrased[0] or d is None else d
    return out
