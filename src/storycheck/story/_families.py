"""Copy families (derivation groups): articles that derive from one another count as one source.

A family is a connected group of copy pairs (sentences that reappear, see _reuse)
and derivation pairs (the same claims in the same order, or shared innovations,
see _derive): a rewrite that changes every word is still one source. Two pages
whose datelines credit the same filer ("WASHINGTON (AP) —") carry that filer's
report, however each reworded it, and join one family too; so do two pages that share
several passages word for word outside quotes (a rewrite of one excerpt keeps runs of its
source's narration, where independent reports share quotes and stock phrases). Its likely
original is the member surely published before all the others (see _time), else
the member the others align with most (the one they derive from). Each copy hangs
under the member it copies most, never under a later one, and says how it
changed: verbatim, trimmed, spun, reordered, extended, rewritten, derived; and
which evidence links it to its parent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .._graph import components
from .._time import first_of, sort_key, surely_before
from .._types import Article, Sentence
from ..analyze import filed_by, find_quotes
from ._derive import Derivation, _stopwords, derivations
from ._reuse import Alignment, align, shared_runs, word_set, words
from ._translation import translation_pairs

#: A pair is a copy when this share of the shorter article's sentences reappears in
#: the other (our sample: copies 0.71–1.0, independent reports of the story at most 0.25).
COPY_SHARE = 0.5
#: ... and at least this many sentences, so that one shared sentence or quote is not a copy
#: (two one-line items that agree are two sources, not a copy).
COPY_MIN_SENTENCES = 2
#: Aligned sentences sharing fewer words than this were reworded ("spun").
SPUN_BELOW = 0.9
#: How much a shared dateline credit weighs when a family's tree is grown (the strongest link
#: first): less than any aligned share, so a copy hangs under the page it copies when it has one.
CREDIT_STRENGTH = 0.01
#: Two pages share a passage when a run of at least this many words outside quotes reappears
#: (shorter than reuse's MIN_RUN_WORDS: a rewrite of a real excerpt keeps short runs of narration).
PASSAGE_WORDS = 6
#: ... of which this many are content words (not function words of any language we read).
PASSAGE_CONTENT = 4
#: ... and derive from one report when they share this many such passages: pairs of one rewrite
#: network in the tuning stories (realnews TUNE, ../extra-real, ../extra-real3) share up to 10 (the
#: two pairs no other link finds: 4 and 5), two independent reports of one event at most 3.
PASSAGE_LINK = 4
#: How much shared passages alone weigh when a family's tree is grown: more than a shared
#: dateline, less than any aligned share.
PASSAGE_STRENGTH = 0.02

Change = Literal["verbatim", "trimmed", "spun", "reordered", "extended", "rewritten", "derived"]


@dataclass
class Copy:
    """One edge of a family tree: ``copy`` derives from ``parent``."""

    copy: str
    parent: str
    share: float  # aligned share of the shorter of the two
    changes: list[Change]
    added: list[int]  # sentences of the copy its parent does not have (its additions)
    dropped: list[int]  # sentences of the parent the copy left out
    evidence: Derivation | None = None  # claim order, shared details and innovations (None: no claim aligned)
    flipped: bool = False  # evidence.a is the copy (its pairs read (copy, parent))
    credited: str | None = None  # the filer both pages' datelines credit ("ap"), None when they do not agree
    passages: int = 0  # passages of PASSAGE_WORDS or more words outside quotes the two share


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


def credit_pairs(articles: Sequence[Article]) -> dict[tuple[str, str], str]:
    """Pairs (earlier, later in input order) whose datelines credit the same filer, with that filer."""
    filer = {a.id: filed_by(a.text) for a in articles}
    out: dict[tuple[str, str], str] = {}
    for x in range(len(articles)):
        for y in range(x + 1, len(articles)):
            f = filer[articles[x].id]
            if f is not None and f == filer[articles[y].id]:
                out[(articles[x].id, articles[y].id)] = f
    return out


def passage_pairs(articles: Sequence[Article], min_words: int = PASSAGE_WORDS) -> dict[tuple[str, str], int]:
    """Pairs (earlier, later in input order) with how many distinct passages of at least ``min_words``
    words outside quotes, PASSAGE_CONTENT of them content words, they share (every pair that shares one):
    "in the Gulf of Aden, the" is how every report names the place, not a passage kept from one."""
    by_id = {a.id: a for a in articles}
    quoted = {a.id: [(s.start + q.start, s.start + q.end) for s in a.sentences for q in find_quotes(s.text)]
              for a in articles}  # from the text: articles not yet sourced have no quotes
    stop = _stopwords()
    seen: dict[tuple[str, str], set[tuple[str, ...]]] = {}
    for p in shared_runs(articles, min_words):
        spans = quoted[p.a]
        free = tuple(w for w0, _, w in words(by_id[p.a].text[p.a_start:p.a_end])
                     if not any(q0 <= p.a_start + w0 < q1 for q0, q1 in spans))
        if len(free) >= min_words and sum(w not in stop for w in free) >= PASSAGE_CONTENT:
            seen.setdefault((p.a, p.b), set()).add(free)
    return {k: len(v) for k, v in seen.items()}


def find_families(articles: Sequence[Article], derive: bool = True) -> list[Family]:
    """Every article in exactly one family; a family of one is an independent source.

    Copies come from sentence alignment; rewrites and derived articles from the
    claims verify aligned (articles not yet verified have none, so only copies;
    ``derive=False`` finds copies only, as before derivation groups)."""
    by_id = {a.id: a for a in articles}
    pairs = copy_pairs(articles)
    pairs.update(translation_pairs(articles))  # an article told again in another language is a copy
    verified = any(s.links for a in articles for s in a.sentences)
    derived = derivations(articles, pairs) if derive and verified else {}
    credits = credit_pairs(articles)
    passages = passage_pairs(articles)
    edges = list(pairs) + [p for p, d in derived.items() if d.linked and p not in pairs and p[::-1] not in pairs]
    edges += list(credits) + [p for p, n in passages.items() if n >= PASSAGE_LINK]
    ids = sorted(by_id, key=lambda x: (_when(by_id[x]), x))  # input order does not change the groups
    groups = components(ids, edges)
    families = [_family([by_id[m] for m in members], pairs, derived, credits, passages) for members in groups]
    return sorted(families, key=lambda f: (-len(f.members), _when(by_id[f.original]), f.original))  # type: ignore[arg-type]


def _when(a: Article) -> tuple[int, object]:
    return sort_key(a.published)


class _Links:
    """The copy and derivation links among a family's members, either way round."""

    def __init__(self, pairs: dict[tuple[str, str], Alignment], derived: dict[tuple[str, str], Derivation],
                 credits: dict[tuple[str, str], str], passages: dict[tuple[str, str], int] | None = None) -> None:
        self.pairs, self.derived, self.credits = pairs, derived, credits
        self.passages = passages or {}

    def copy(self, a: str, b: str) -> Alignment | None:
        return self.pairs.get((a, b)) or self.pairs.get((b, a))

    def derivation(self, a: str, b: str) -> Derivation | None:
        return self.derived.get((min(a, b), max(a, b)))

    def credit(self, a: str, b: str) -> str | None:
        return self.credits.get((a, b)) or self.credits.get((b, a))

    def shared_passages(self, a: str, b: str) -> int:
        return self.passages.get((a, b)) or self.passages.get((b, a)) or 0

    def passage_linked(self, a: str, b: str) -> bool:
        """Whether the passages the two share are enough to link them (PASSAGE_LINK)."""
        return self.shared_passages(a, b) >= PASSAGE_LINK

    def strength(self, a: str, b: str) -> float:
        """Aligned share of sentences (a copy) or of claims (a rewrite or derivation), the larger;
        PASSAGE_STRENGTH for pages linked only by passages they share, CREDIT_STRENGTH for pages
        linked only by their datelines; 0 when unlinked."""
        al, d = self.copy(a, b), self.derivation(a, b)
        share = max(al.share if al is not None else 0.0, d.cover if d is not None and d.linked else 0.0)
        return share or (PASSAGE_STRENGTH if self.passage_linked(a, b) else
                         CREDIT_STRENGTH if self.credit(a, b) else 0.0)

    def claims(self, a: str, b: str) -> int:
        al, d = self.copy(a, b), self.derivation(a, b)
        return len(al.pairs) if al is not None else len(d.pairs) if d is not None and d.linked else 0


def _family(members: list[Article], pairs: dict[tuple[str, str], Alignment],
            derived: dict[tuple[str, str], Derivation] | None = None,
            credits: dict[tuple[str, str], str] | None = None,
            passages: dict[tuple[str, str], int] | None = None) -> Family:
    fid = "f-" + hashlib.sha256("\n".join(sorted(m.id for m in members)).encode()).hexdigest()[:10]
    if len(members) == 1:
        return Family(fid, members[0].id, "alone", [members[0].id])
    links = _Links(pairs, derived or {}, credits or {}, passages)
    members = sorted(members, key=lambda m: m.id)  # ties break by id, not by input order
    first = first_of({m.id: m.published for m in members})
    if first is not None:
        original, basis = next(m for m in members if m.id == first), "earliest"
    else:
        original, basis = max(members, key=lambda m: (
            sum(links.claims(m.id, o.id) for o in members if o.id != m.id), -len(m.sentences))), "central"
    by_id = {m.id: m for m in members}
    placed = [original.id]
    copies: list[Copy] = []
    rest = sorted({m.id for m in members} - {original.id})
    while rest:  # grow the tree from the original, strongest link first (Prim)
        best: tuple[float, str, str] | None = None
        for c in rest:
            for p in placed:
                w = links.strength(p, c)
                if w <= 0 or _later(by_id[p], by_id[c]):
                    continue
                if best is None or w > best[0]:
                    best = (w, c, p)
        if best is None:  # only reachable through a later member: attach to the closest anyway
            c = min(rest, key=lambda x: (_when(by_id[x]), x))
            p = max(placed, key=lambda q: links.strength(q, c))
            best = (links.strength(p, c), c, p)
        _, c, p = best
        copies.append(_edge(by_id[p], by_id[c], links, flipped=(p, c) not in pairs))
        placed.append(c)
        rest.remove(c)
    order = [original.id] + sorted((c.copy for c in copies), key=lambda x: (_when(by_id[x]), x))
    return Family(fid, original.id, basis, order, copies)  # type: ignore[arg-type]


def _edge(parent: Article, copy: Article, links: _Links, flipped: bool) -> Copy:
    """The tree edge: described as a copy when sentences reappear, else as a rewrite or
    derivation from the aligned claims; the derivation evidence either way."""
    d = links.derivation(parent.id, copy.id)
    al = links.copy(parent.id, copy.id)
    if al is None and (d is None or not d.linked) and (
            links.credit(parent.id, copy.id) or links.passage_linked(parent.id, copy.id)):
        out = Copy(copy.id, parent.id, 0.0, [], [], [])  # linked by datelines or passages: no sentence aligned
    elif al is not None or d is None:
        out = describe_copy(parent, copy, al, flipped=flipped)
    else:
        out = describe_derivation(parent, copy, d)
    out.evidence = d
    out.flipped = d is not None and d.a == copy.id
    out.credited = links.credit(parent.id, copy.id)
    out.passages = links.shared_passages(parent.id, copy.id)
    return out


def describe_derivation(parent: Article, copy: Article, d: Derivation) -> Copy:
    """A rewrite (same claims, same order, new words) or a derived article (shares
    innovations): what it added and dropped, counted in claims."""
    matched = d.pairs if d.a == parent.id else d.swapped()  # (parent, copy)
    p_idx, c_idx = {i for i, _ in matched}, {j for _, j in matched}
    added = [s.index for s in copy.sentences if s.index not in c_idx]
    dropped = [s.index for s in parent.sentences if s.index not in p_idx]
    changes: list[Change] = []
    if d.rewritten:
        changes.append("rewritten")
    if d.derived:
        changes.append("derived")
    if dropped:
        changes.append("trimmed")
    if d.claim_order < 1.0:
        changes.append("reordered")
    if added:
        changes.append("extended")
    return Copy(copy.id, parent.id, d.cover, changes, added, dropped)


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
    nine copies of one rewrite outvote nobody. A carried sentence with a part no
    carrier gives (``uncarried``: an added source, quote or detail) is not ``supported``
    either.
    """
    from ..verify import name_uncarried, settle
    from ..verify._quotes import match_quotes

    fam = family_of(families)

    def source_of(x: str) -> str:
        return fam.get(x, x)

    match_quotes(articles, source_of)
    name_uncarried(articles)  # after the quotes' statuses: a quote nobody else prints is an uncarried part
    published = {a.id: a.published for a in articles}
    for a in articles:
        for s in ([a.headline] if a.headline else []) + a.sentences:
            later = _changed_later(s, a.id, fam, published)
            if later:
                s.contradicted_by = [x for x in s.contradicted_by if x not in later]
            settle(s, source_of=source_of, own=fam.get(a.id), changed_by=later)


def _changed_later(s: Sentence, article: str, fam: dict[str, str], published: dict[str, str | None]) -> set[str]:
    """The members of ``article``'s own family, surely published after it, that contradict ``s``.

    Within a copy family the later member changed the words (a spun synonym, a drifted figure),
    so the contradiction is the copy's: its own sentence keeps it, ``s`` is not faulted for it (the
    link keeps its stance: the two do disagree). When the times cannot tell which came first, both
    keep it."""
    own = fam.get(article)
    if own is None:
        return set()
    return {ln.article for ln in s.links if ln.stance == "contradicts" and fam.get(ln.article) == own
            and surely_before(published.get(article), published.get(ln.article))}
