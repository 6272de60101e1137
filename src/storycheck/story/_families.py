"""Copy families: articles that are copies of one another count as one source.

A family is a connected group of copy pairs. Its likely original is the member
surely published before all the others (see _time), else the member the others
align with most (the one they derive from). Each copy hangs under the member it copies most,
never under a later one, and says how it changed: verbatim, trimmed, spun,
reordered, extended.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .._graph import components
from .._time import first_of, sort_key, surely_before
from .._types import Article
from ._reuse import Alignment, align, word_set

#: A pair is a copy when this share of the shorter article's sentences reappears in
#: the other (our sample: copies 0.71–1.0, independent reports of the story at most 0.25).
COPY_SHARE = 0.5
#: ... and at least this many sentences, so that one shared sentence or quote is not a copy
#: (two one-line items that agree are two sources, not a copy).
COPY_MIN_SENTENCES = 2
#: Aligned sentences sharing fewer words than this were reworded ("spun").
SPUN_BELOW = 0.9

Change = Literal["verbatim", "trimmed", "spun", "reordered", "extended"]


@dataclass
class Copy:
    """One edge of a family tree: ``copy`` derives from ``parent``."""

    copy: str
    parent: str
    share: float  # aligned share of the shorter of the two
    changes: list[Change]
    added: list[int]  # sentences of the copy its parent does not have (its additions)
    dropped: list[int]  # sentences of the parent the copy left out


@dataclass
class Family:
    id: str
    original: str
    basis: Literal["earliest", "central", "alone"]
    members: list[str]  # original first, then copies by published time
    copies: list[Copy] = field(default_factory=list)


def copy_pairs(articles: Sequence[Article]) -> dict[tuple[str, str], Alignment]:
    """Alignments of every pair that passes the copy test, keyed (earlier, later) in input order.

    All pairs: a story has tens of articles, and a cheap shared-vocabulary test skips most."""
    sets = {a.id: [word_set(s.text) for s in a.sentences] for a in articles}
    signature = {a.id: frozenset().union(*sets[a.id]) if sets[a.id] else frozenset() for a in articles}
    out: dict[tuple[str, str], Alignment] = {}
    for x in range(len(articles)):
        for y in range(x + 1, len(articles)):
            a, b = articles[x], articles[y]
            small = min(len(signature[a.id]), len(signature[b.id])) or 1
            if len(signature[a.id] & signature[b.id]) / small < 0.4:
                continue  # too few words in common for half the sentences to match
            al = align(a, b, sets)
            if al.share >= COPY_SHARE and len(al.pairs) >= COPY_MIN_SENTENCES:
                out[(a.id, b.id)] = al
    return out


def find_families(articles: Sequence[Article]) -> list[Family]:
    """Every article in exactly one family; a family of one is an independent source."""
    by_id = {a.id: a for a in articles}
    pairs = copy_pairs(articles)
    groups = components([a.id for a in articles], pairs)
    families = [_family([by_id[m] for m in members], pairs) for members in groups]
    return sorted(families, key=lambda f: (-len(f.members), _when(by_id[f.original]), f.original))  # type: ignore[arg-type]


def _when(a: Article) -> tuple[int, object]:
    return sort_key(a.published)


def _family(members: list[Article], pairs: dict[tuple[str, str], Alignment]) -> Family:
    fid = "f-" + hashlib.sha256("\n".join(sorted(m.id for m in members)).encode()).hexdigest()[:10]
    if len(members) == 1:
        return Family(fid, members[0].id, "alone", [members[0].id])

    def link(a: str, b: str) -> Alignment | None:
        return pairs.get((a, b)) or pairs.get((b, a))

    first = first_of({m.id: m.published for m in members})
    if first is not None:
        original, basis = next(m for m in members if m.id == first), "earliest"
    else:
        original, basis = (
            max(
                members,
                key=lambda m: (
                    sum(len(al.pairs) for o in members if o.id != m.id and (al := link(m.id, o.id))),
                    -len(m.sentences),
                ),
            ),
            "central",
        )
    by_id = {m.id: m for m in members}
    placed = [original.id]
    copies: list[Copy] = []
    rest = {m.id for m in members} - {original.id}
    while rest:  # grow the tree from the original, strongest copy link first (Prim)
        best: tuple[float, str, str] | None = None
        for c in rest:
            for p in placed:
                al = link(p, c)
                if al is None or _later(by_id[p], by_id[c]):
                    continue
                if best is None or al.share > best[0]:
                    best = (al.share, c, p)
        if best is None:  # only reachable through a later member: attach to the closest anyway
            c = min(rest, key=lambda x: _when(by_id[x]))
            p = max(placed, key=lambda q: _share(link(q, c)))
            best = (_share(link(p, c)), c, p)
        _, c, p = best
        copies.append(describe_copy(by_id[p], by_id[c], link(p, c), flipped=(p, c) not in pairs))
        placed.append(c)
        rest.discard(c)
    order = [original.id] + sorted((c.copy for c in copies), key=lambda x: (_when(by_id[x]), x))
    return Family(fid, original.id, basis, order, copies)  # type: ignore[arg-type]


def _share(al: Alignment | None) -> float:
    return al.share if al else 0.0


def _later(a: Article, b: Article) -> bool:
    return surely_before(b.published, a.published)


def describe_copy(parent: Article, copy: Article, al: Alignment | None, flipped: bool = False) -> Copy:
    """How ``copy`` differs from ``parent``; ``flipped`` when ``al`` was computed as (copy, parent)."""
    if al is None:
        return Copy(copy.id, parent.id, 0.0, [], [s.index for s in copy.sentences], [])
    matched = [(j, i, jac) if flipped else (i, j, jac) for i, j, jac in al.pairs]  # (parent, copy, jac)
    p_idx, c_idx = {i for i, _, _ in matched}, {j for _, j, _ in matched}
    added = [s.index for s in copy.sentences if s.index not in c_idx]
    dropped = [s.index for s in parent.sentences if s.index not in p_idx]
    seq = [j for _, j, _ in sorted(matched)]
    changes: list[Change] = []
    spun = any(jac < SPUN_BELOW for _, _, jac in matched)
    if not added and not dropped and not spun:
        changes.append("verbatim")
    if dropped:
        changes.append("trimmed")
    if spun:
        changes.append("spun")
    if any(x > y for x, y in zip(seq, seq[1:], strict=False)):
        changes.append("reordered")
    if added:
        changes.append("extended")
    return Copy(copy.id, parent.id, round(al.share, 4), changes, added, dropped)


def family_of(families: Sequence[Family]) -> dict[str, str]:
    return {m: f.id for f in families for m in f.members}


def apply_independence(articles: Sequence[Article], families: Sequence[Family]) -> None:
    """Count carrying families, not carrying articles.

    A sentence carried only by copies of its own article rests on one source:
    it is ``unsupported`` (or ``opinion``) with ``only_in_copies``, never ``supported``;
    nine copies of one rewrite outvote nobody.
    """
    from ..verify import settle
    from ..verify._quotes import match_quotes

    fam = family_of(families)

    def source_of(x: str) -> str:
        return fam.get(x, x)

    match_quotes(articles, source_of)
    for a in articles:
        for s in ([a.headline] if a.headline else []) + a.sentences:
            settle(s, source_of=source_of, own=fam.get(a.id))
