from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .._types import Article
from ..analyze import content_words
from ..embed import EmbeddingBackend, default_backend


@dataclass(frozen=True)
class ClusterOptions:
    #: Weights of word, name and lead-embedding similarity. Names carry most: two
    #: earthquakes share their vocabulary, not their places and people (ECB+ dev).
    content_weight: float = 0.25
    names_weight: float = 0.5
    embedding_weight: float = 0.25
    #: Average similarity at which two groups merge; tuned on ECB+ dev (bench/run.py cluster).
    threshold: float = 0.35
    #: Distinctive terms per article used to find candidates, and the most articles a
    #: term may point to before it stops being distinctive (caps the cost per term).
    block_terms: int = 15
    max_postings: int = 300
    #: Characters of title + lead that are embedded: 300 (~64 word pieces) costs half of
    #: 600 for 0.01 less B³ F1 on ECB+ dev (0.873 vs 0.883), and speed is what lets archives scale.
    lead_chars: int = 300
    #: Days apart after which two dated articles are unlikely to be one story: their
    #: similarity halves every this many days beyond it.
    time_scale_days: float = 30.0


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)(?<!\n)\b[A-Z][a-z]+")


def _tfidf(docs: list[list[str]]) -> list[dict[str, float]]:
    df = Counter(w for d in docs for w in set(d))
    n = len(docs)
    out = []
    for d in docs:
        vec = {w: (1 + math.log(c)) * (math.log((n + 1) / df[w]) + 1.0) for w, c in Counter(d).items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({w: v / norm for w, v in vec.items()})
    return out


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def _day(published: str | None) -> date | None:
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def story_id(article_ids: Sequence[str]) -> str:
    """A story's id: stable for the same set of articles, whatever their order."""
    import hashlib

    return "s-" + hashlib.sha256("\n".join(sorted(article_ids)).encode()).hexdigest()[:12]


def cluster_articles(
    articles: Sequence[Article],
    *,
    embedder: EmbeddingBackend | None = None,
    options: ClusterOptions | None = None,
) -> list[list[str]]:
    """Stories as lists of article ids; every article is in exactly one story."""
    opts = options or ClusterOptions()
    if not articles:
        return []
    texts = [((a.title or "") + "\n" + a.text) for a in articles]
    content = _tfidf([content_words(t) for t in texts])
    names = _tfidf([[w.lower() for w in _NAME.findall(t)] for t in texts])
    leads = [((a.title or "") + " " + " ".join(a.text.split())[: opts.lead_chars]) for a in articles]
    vecs = (embedder or default_backend()).embed(leads)
    days = [_day(a.published) for a in articles]

    # candidates: articles sharing one of their most distinctive terms
    postings: dict[str, list[int]] = defaultdict(list)
    for i, (c, nm) in enumerate(zip(content, names)):
        top = sorted(({**c, **{"@" + k: v for k, v in nm.items()}}).items(), key=lambda kv: -kv[1])[: opts.block_terms]
        for term, _ in top:
            postings[term].append(i)
    pairs: set[tuple[int, int]] = set()
    for ids in postings.values():
        if len(ids) > opts.max_postings:
            continue
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                pairs.add((ids[x], ids[y]))

    sims: dict[tuple[int, int], float] = {}
    for i, j in pairs:
        s = (opts.content_weight * _dot(content[i], content[j]) + opts.names_weight * _dot(names[i], names[j])
             + opts.embedding_weight * float(vecs[i] @ vecs[j]))
        if days[i] and days[j]:
            gap = abs((days[i] - days[j]).days)
            if gap > opts.time_scale_days:
                s *= 0.5 ** ((gap - opts.time_scale_days) / opts.time_scale_days)
        if s >= opts.threshold * 0.5:  # far below the merge level: cannot matter to an average
            sims[(i, j)] = s
    return [[articles[i].id for i in group] for group in _average_link(len(articles), sims, opts.threshold)]


MAX_COMPONENT = 500  # largest group clustered exactly: each merge costs m², so m³ in all


def _average_link(n: int, sims: dict[tuple[int, int], float], threshold: float, floor: float = 0.0) -> list[list[int]]:
    """Average-link agglomeration over a sparse similarity graph (missing pairs count 0)."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in sims:
        parent[find(i)] = find(j)
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        components[find(i)].append(i)
    out: list[list[int]] = []
    for members in components.values():
        if len(members) == 1:
            out.append(members)
        elif len(members) > MAX_COMPONENT:
            # dense average-link is m² memory and ~m³ time: split a huge component first by
            # keeping only its stronger links, a step at a time, until the pieces fit
            inside = set(members)
            sub = {p: v for p, v in sims.items() if p[0] in inside and v >= floor + 0.05}
            out.extend(_average_link_subset(members, sub, threshold, floor + 0.05))
        else:
            out.extend(_agglomerate(members, sims, threshold))
    return sorted(out, key=lambda g: g[0])


def _average_link_subset(members: list[int], sims: dict[tuple[int, int], float], threshold: float,
                         floor: float) -> list[list[int]]:
    local = {m: k for k, m in enumerate(members)}
    groups = _average_link(len(members), {(local[i], local[j]): v for (i, j), v in sims.items()}, threshold, floor)
    return [[members[k] for k in g] for g in groups]


def _agglomerate(members: list[int], sims: dict[tuple[int, int], float], threshold: float) -> list[list[int]]:
    idx = {m: k for k, m in enumerate(members)}
    m = len(members)
    total = np.zeros((m, m))
    for (i, j), s in sims.items():
        if i in idx and j in idx:
            total[idx[i], idx[j]] = total[idx[j], idx[i]] = s
    sizes = np.ones(m)
    groups: dict[int, list[int]] = {k: [members[k]] for k in range(m)}
    alive = np.ones(m, dtype=bool)
    while True:
        avg = total / np.outer(sizes, sizes)
        avg[~alive, :] = -1
        avg[:, ~alive] = -1
        np.fill_diagonal(avg, -1)
        a, b = np.unravel_index(int(np.argmax(avg)), avg.shape)
        if avg[a, b] < threshold:
            break
        total[a, :] += total[b, :]
        total[:, a] += total[:, b]
        total[a, a] = 0
        sizes[a] += sizes[b]
        alive[b] = False
        total[b, :] = total[:, b] = 0
        groups[a] += groups.pop(b)
    return [sorted(g) for g in groups.values()]
