"""Stories in the store, kept up to date as articles arrive.

Two phases, so that many workers can do the first and one process the second:

1. ``describe_batch``: each new article is checked against stored articles for
   exact and near-duplicates (content hash, MinHash bands) and described
   (features, lead vector). Writing its result is idempotent and safe with
   concurrent writers.
2. ``group_batch``: the stories described articles may join are found through
   the stored block terms; only those stories and the new articles are clustered
   again, with the same core as `cluster`. Every other story is left alone, so
   the cost of a batch follows the stories it touches, not the archive's size.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import numpy as np

from .._records import ArticleFeatures, Batch, Duplicate, StoryUpdate, Vocabulary, band_keys, content_hash
from .._types import Article
from ..embed import EmbeddingBackend, text_key
from ._cluster import _agglomerate, block_terms, embed_leads, near_duplicates, story_id
from ._features import features
from ._options import ClusterOptions
from ._similarity import Similarity


class StoryIndex(Protocol):
    """What grouping needs from a store (SQLite and PostgreSQL implement it)."""

    def by_content_hash(self, hashes: Sequence[str]) -> dict[str, str]: ...
    def band_candidates(self, keys: Sequence[str]) -> dict[str, list[str]]: ...
    def load_minhashes(self, ids: Iterable[str]) -> dict[str, np.ndarray]: ...
    def block_candidates(self, terms: Sequence[str], max_postings: int) -> dict[str, list[str]]: ...
    def unassigned(self, limit: int) -> list[str]: ...
    def load_features(self, ids: Iterable[str], model: str, lead_chars: int = ...) -> list[ArticleFeatures]: ...
    def stories_of(self, ids: Iterable[str]) -> dict[str, str]: ...
    def story_members(self, story_ids: Iterable[str]) -> dict[str, list[str]]: ...
    def get_article(self, article_id: str) -> Article | None: ...


_NORM = re.compile(r"[\W_]+")  # what is not a letter or digit, of any script


def _norm(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


def describe_batch(
    index: StoryIndex,
    articles: Sequence[Article],
    embedder: EmbeddingBackend,
    options: ClusterOptions | None = None,
) -> Batch:
    """Duplicates linked, the rest described: what a worker writes for a batch of new articles."""
    opts = options or ClusterOptions()
    batch = Batch()
    t0 = time.perf_counter()
    stored_text = index.by_content_hash([content_hash(a.text) for a in articles])
    feats: list[ArticleFeatures] = []
    seen_hash: dict[str, str] = {}
    for a in articles:
        h = content_hash(a.text)
        original = stored_text.get(h) or seen_hash.get(h)
        if original:
            batch.duplicates.append(Duplicate(a, original, 1.0, []))
            continue
        seen_hash[h] = a.id
        feats.append(features(a, opts.lead_chars))
    by_id = {a.id: a for a in articles}

    # near-duplicates: of stored articles, or of an earlier article of this batch
    known = index.band_candidates([k for f in feats for k in band_keys(f.minhash)])
    stored_sigs = index.load_minhashes({x for ids in known.values() for x in ids})
    repeats = near_duplicates(feats, known, stored_sigs)
    for f in feats:
        if f.id in repeats:
            original, r = repeats[f.id]
            batch.duplicates.append(
                Duplicate(by_id[f.id], original, round(r, 4), _added(by_id[f.id], original, index, by_id))
            )
    kept = [f for f in feats if f.id not in repeats]

    t1 = time.perf_counter()
    embed_leads(kept, embedder)
    batch.seconds = {"describe": t1 - t0, "embed": time.perf_counter() - t1}
    batch.features = kept
    batch.articles = [by_id[f.id] for f in kept]
    batch.vectors = {text_key(f.lead): f.vector for f in kept if f.vector is not None}
    return batch


#: Stored articles compared with each new one: those sharing the most of its block terms. Without
#: a bound, common names make the candidate list grow with the archive (21k of 23k stored).
MAX_CANDIDATES = 30
#: Nearest stored leads taken as candidates per new article, and the cosine they need:
#: leads of one story are usually above 0.6 with MiniLM, unrelated news below 0.4.
ANN_NEIGHBOURS = 20
ANN_FLOOR = 0.5


def group_batch(
    index: StoryIndex,
    kept: Sequence[ArticleFeatures],
    vocab: Vocabulary,
    embedder: EmbeddingBackend,
    options: ClusterOptions | None = None,
    ann: Any = None,
) -> StoryUpdate:
    """Stories for described articles that have none yet; ``vocab`` must already count them.

    With ``ann`` (a VectorIndex of stored lead vectors), the nearest stored leads
    are candidates too, so a story is found even when no block term is shared.
    """
    opts = options or ClusterOptions()
    update = StoryUpdate()
    if not kept:
        return update
    embed_missing(kept, index, embedder, opts)
    # stories the new articles may join: stored articles sharing a block term, then their stories
    weights = {f.id: (vocab.weights(f.terms), vocab.weights(f.names, "@")) for f in kept}
    update.blocks = {f.id: block_terms(*weights[f.id], opts.block_terms) for f in kept}
    postings = index.block_candidates([t for ts in update.blocks.values() for t in ts], opts.max_postings)
    mine = {f.id for f in kept}
    found: set[tuple[str, str]] = set()
    for f in kept:  # the stored articles sharing the most block terms: a bounded candidate list per article
        shared = Counter(c for t in update.blocks[f.id] for c in postings.get(t, ()) if c not in mine)
        found |= {(f.id, c) for c, _ in shared.most_common(MAX_CANDIDATES)}
    if ann is not None and len(ann):
        vectors = [f.vector for f in kept if f.vector is not None]
        assert len(vectors) == len(kept)  # embed_missing gave each a lead vector
        hits = ann.search(np.stack(vectors), ANN_NEIGHBOURS)
        found |= {
            (f.id, c)
            for f, row in zip(kept, hits, strict=False)
            for c, score in row
            if score >= ANN_FLOOR and c not in mine
        }
    pairs = sorted(found)
    # only stories holding a stored article close to a new one are reclustered. The candidates are
    # scored a slice at a time and only their ids kept; the features read afterwards are those of the
    # members standing for each story (story_sample): a batch's memory stays bounded where an archive
    # offers its new articles ever more distinct candidates (up to MAX_CANDIDATES × the batch)
    cands = sorted({c for _, c in pairs})
    near: set[str] = set()
    for start in range(0, len(cands), CANDIDATE_SLICE):
        near |= _close_candidates(index, kept, set(cands[start : start + CANDIDATE_SLICE]), pairs, vocab,
                                  embedder, opts)
    old_of = index.stories_of(near)
    members = index.story_members(set(old_of.values()))
    shown = {sid: story_sample(ms, cands) for sid, ms in members.items()}
    member_feats = index.load_features({x for ms in shown.values() for x in ms}, embedder.model_id, opts.lead_chars)
    embed_missing(member_feats, index, embedder, opts)
    groups = join_stories(member_feats, members, kept, vocab, opts)

    # each group keeps the id of the biggest stored story it holds; the others are new stories
    story_of = {a: s for s, ms in members.items() for a in ms}
    for g in groups:
        held = sorted({story_of[a] for a in g if a in story_of}, key=lambda x: (-len(members[x]), x))
        update.stories[held[0] if held else story_id(g)] = g
        update.dropped_stories += held[1:]  # merged into the first
    update.stories = {sid: g for sid, g in update.stories.items() if sorted(g) != sorted(members.get(sid, []))}
    return update


#: Stored candidates whose features are loaded and scored at once in a batch's grouping.
CANDIDATE_SLICE = 512


def _close_candidates(index: StoryIndex, kept: Sequence[ArticleFeatures], cands: set[str],
                      pairs: Sequence[tuple[str, str]], vocab: Vocabulary, embedder: EmbeddingBackend,
                      opts: ClusterOptions) -> set[str]:
    """The stored candidates of ``cands`` close to a new article of their pairs (at half the
    threshold). A pair's similarity depends on its two articles only (weights from ``vocab``),
    so scoring a slice at a time finds what scoring all at once finds."""
    cand_feats = index.load_features(cands, embedder.model_id, opts.lead_chars)
    embed_missing(cand_feats, index, embedder, opts)
    if not cand_feats:
        return set()
    both = list(kept) + cand_feats
    sim = Similarity(both, vocab, opts)
    row = {f.id: k for k, f in enumerate(both)}
    arr = np.array([(row[a], row[c]) for a, c in pairs if c in cands and c in row], dtype=np.int64).reshape(-1, 2)
    close = sim.pairs(arr[:, 0], arr[:, 1]) >= opts.threshold * 0.5
    return {both[c].id for c in arr[close, 1]}


#: Stored members that stand for a story in a batch's clustering: its members among the candidates
#: first, then an even spread of the others. A story of thousands of articles is averaged over this
#: many, so the memory and time of a batch do not grow with the stories it touches (a story of at
#: most this many is compared whole, as before).
STORY_SAMPLE = 100


def story_sample(members: Sequence[str], candidates: Iterable[str], limit: int = STORY_SAMPLE) -> list[str]:
    """Up to ``limit`` of a story's members: those in ``candidates``, then an even spread of the rest (by id)."""
    if len(members) <= limit:
        return list(members)
    near = set(candidates)
    first = sorted(m for m in members if m in near)[:limit]
    rest = sorted(m for m in members if m not in near)
    room = limit - len(first)
    return first + [rest[i * len(rest) // room] for i in range(room)]


def join_stories(
    member_feats: Sequence[ArticleFeatures],
    members: dict[str, list[str]],
    new: Sequence[ArticleFeatures],
    vocab: Vocabulary,
    opts: ClusterOptions,
) -> list[list[str]]:
    """Average-link over stored stories (fixed groups) and new articles, which may join a story or
    each other. Two stored stories are compared, and may merge, only when a new article is close
    to both (it bridges them): otherwise they were told apart already and stay apart."""
    feats = list(member_feats) + list(new)
    row = {f.id: k for k, f in enumerate(feats)}
    sim = Similarity(feats, vocab, opts)
    old = [(sid, [row[a] for a in ms if a in row]) for sid, ms in members.items()]
    old = [(sid, rows) for sid, rows in old if rows]
    new_rows = [row[f.id] for f in new]
    k, m = len(old), len(new_rows)
    total = np.full((k + m, k + m), -np.inf)
    total[k:, k:] = sim.block(new_rows, new_rows)
    if k:
        all_rows = [r for _, rows in old for r in rows]
        cross = sim.block(all_rows, new_rows)  # every stored member against every new article
        start = 0
        for x, (_, rows) in enumerate(old):
            total[x, k:] = total[k:, x] = cross[start : start + len(rows)].sum(axis=0)
            start += len(rows)
        sizes_old = np.array([len(rows) for _, rows in old], dtype=np.float64)
        close = (total[:k, k:] / sizes_old[:, None]) >= opts.threshold * 0.5  # story x is near new article j
        for x in range(k):
            for y in range(x + 1, k):
                if (close[x] & close[y]).any():
                    total[x, y] = total[y, x] = sim.block(old[x][1], old[y][1]).sum()
    sizes = np.array([len(rows) for _, rows in old] + [1] * m)
    movable = np.arange(k + m) >= k  # a stored story never moves; a new article may attach to it
    groups = _agglomerate(list(range(k + m)), total, opts.threshold, sizes, movable)
    out = []
    for g in groups:
        ids = [a for node in g for a in (members[old[node][0]] if node < k else [new[node - k].id])]
        if any(node >= k for node in g):  # untouched stories stay as they are
            out.append(ids)
    return out


def embed_missing(feats: Sequence[ArticleFeatures], index: StoryIndex, embedder: EmbeddingBackend,
                  opts: ClusterOptions) -> None:
    """Stored articles whose lead vector is absent (another model): embed it again."""
    todo = [f for f in feats if f.vector is None]
    for f in todo:
        art = index.get_article(f.id)
        if art is not None:
            f.lead = features(art, opts.lead_chars).lead
    embed_leads(todo, embedder)


def _added(copy: Article, original: str, index: StoryIndex, batch: dict[str, Article]) -> list[str]:
    orig = batch.get(original) or index.get_article(original)
    have = {_norm(s.text) for s in orig.sentences} if orig else set()
    return [s.text for s in copy.sentences if _norm(s.text) not in have]
