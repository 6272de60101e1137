"""Text reuse between articles: shared runs of words and sentence alignment.

Both are what a copy leaves behind. Runs catch verbatim borrowing of a passage;
sentence alignment also catches spinning (swapped synonyms, reordered sentences),
which breaks long runs but keeps most words of each sentence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._time import surely_before
from .._types import Article

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

#: Shortest shared run reported as a copied passage: 8 words is longer than the
#: stock phrases two independent reports share ("said in a statement on Tuesday").
MIN_RUN_WORDS = 8
#: Words that may differ inside a run (an edited word, a dropped "the") before it breaks.
MAX_GAP_WORDS = 3
#: Two sentences are one copied sentence when they share half their distinct words
#: (independent reports of our sample story share at most a quarter), or when their
#: embeddings are this close.
ALIGN_JACCARD = 0.5
ALIGN_COSINE = 0.92


def words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lowercased word) for every word, offsets into ``text``."""
    return [(m.start(), m.end(), m.group().lower().replace("’", "'")) for m in _WORD.finditer(text)]


def word_set(text: str) -> frozenset[str]:
    return frozenset(w for _, _, w in words(text))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@dataclass(frozen=True)
class Passage:
    """A run of words two articles share; ``copier`` is None when dates cannot tell."""

    a: str  # article ids
    b: str
    a_start: int  # character offsets into each article's text
    a_end: int
    b_start: int
    b_end: int
    words: int
    text: str  # as it reads in ``a``
    copier: str | None


def shared_runs(articles: Sequence[Article], min_words: int = MIN_RUN_WORDS) -> list[Passage]:
    """Every run of at least ``min_words`` words that two articles share.

    Word n-grams go into one index, so the cost follows the number of shared
    n-grams, not the number of article pairs.
    """
    toks = [_sentence_words(a) for a in articles]
    index: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
    for ai, t in enumerate(toks):
        seq = [w for _, _, w in t]
        for p in range(len(seq) - min_words + 1):
            index[tuple(seq[p : p + min_words])].append((ai, p))
    hits: dict[tuple[int, int], set[tuple[int, int]]] = defaultdict(set)
    for occ in index.values():
        if len(occ) < 2 or len(occ) > 50:  # boilerplate repeated everywhere is not a copy
            continue
        for x in range(len(occ)):
            for y in range(x + 1, len(occ)):
                (ai, pa), (bi, pb) = occ[x], occ[y]
                if ai != bi:
                    key, pos = ((ai, bi), (pa, pb)) if ai < bi else ((bi, ai), (pb, pa))
                    hits[key].add(pos)
    out: list[Passage] = []
    for (ai, bi), pairs in sorted(hits.items()):
        for pa0, pa1, pb0, pb1 in _runs(sorted(pairs), min_words):
            a, b = articles[ai], articles[bi]
            ta, tb = toks[ai], toks[bi]
            a_start, a_end = ta[pa0][0], ta[pa1 - 1][1]
            b_start, b_end = tb[pb0][0], tb[pb1 - 1][1]
            out.append(Passage(a.id, b.id, a_start, a_end, b_start, b_end, pa1 - pa0,
                               a.text[a_start:a_end], copier_of(a, b)))
    return out


def _sentence_words(a: Article) -> list[tuple[int, int, str]]:
    """The words of ``a`` that lie in its sentences (site furniture and headings left out)."""
    spans = [(s.start, s.end) for s in a.sentences]
    if not spans:
        return words(a.text)
    out, k = [], 0
    for w in words(a.text):
        while k < len(spans) and spans[k][1] <= w[0]:
            k += 1
        if k < len(spans) and spans[k][0] <= w[0]:
            out.append(w)
    return out


def _runs(pos: list[tuple[int, int]], n: int) -> list[tuple[int, int, int, int]]:
    """Merge matching n-gram starts into runs [a0, a1) x [b0, b1), bridging small edits."""
    runs: list[list[int]] = []
    for pa, pb in pos:
        for r in reversed(runs[-8:]):
            if 0 <= pa - (r[1] - n) <= MAX_GAP_WORDS + 1 and 0 <= pb - (r[3] - n) <= MAX_GAP_WORDS + 1 \
                    and abs((pa - r[0]) - (pb - r[2])) <= MAX_GAP_WORDS:
                r[1], r[3] = max(r[1], pa + n), max(r[3], pb + n)
                break
        else:
            runs.append([pa, pa + n, pb, pb + n])
    return [(r[0], r[1], r[2], r[3]) for r in runs]


def copier_of(a: Article, b: Article) -> str | None:
    """The later of two articles, when their publication times tell (see _time)."""
    if surely_before(b.published, a.published):
        return a.id
    if surely_before(a.published, b.published):
        return b.id
    return None


@dataclass(frozen=True)
class Alignment:
    """Which sentences of ``a`` reappear in ``b`` (index pairs and word overlap)."""

    pairs: tuple[tuple[int, int, float], ...]  # (sentence in a, sentence in b, word jaccard)
    a_len: int
    b_len: int

    @property
    def share(self) -> float:
        """Aligned share of the shorter article: a trimmed copy is still all copy."""
        return len(self.pairs) / max(1, min(self.a_len, self.b_len))


def align(a: Article, b: Article, sets: dict[str, list[frozenset[str]]]) -> Alignment:
    """Pair each sentence of ``a`` with its closest copy in ``b``, one-to-one, best first."""
    sa, sb = sets[a.id], sets[b.id]
    cos = _cosines(a, b)
    cands: list[tuple[float, int, int, float]] = []
    for i, x in enumerate(sa):
        for j, y in enumerate(sb):
            if cos is not None and cos[i, j] < 0.5:
                continue  # cheap filter: sentences this far apart share few words
            jac = jaccard(x, y)
            if jac >= ALIGN_JACCARD or (cos is not None and cos[i, j] >= ALIGN_COSINE):
                cands.append((max(jac, float(cos[i, j]) if cos is not None else 0.0), i, j, jac))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, i, j, jac in sorted(cands, reverse=True):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j, round(jac, 4)))
    return Alignment(tuple(sorted(pairs)), len(sa), len(sb))


def _cosines(a: Article, b: Article) -> np.ndarray | None:
    if not a.sentences or not b.sentences:
        return np.zeros((len(a.sentences), len(b.sentences)))
    if any(s.vector is None for s in a.sentences) or any(s.vector is None for s in b.sentences):
        return None
    return np.stack([s.vector for s in a.sentences]) @ np.stack([s.vector for s in b.sentences]).T
