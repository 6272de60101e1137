"""The stages in order: ingest → segment → analyze → embed → verify → story.

``compare`` is the thin public function; ``run_stages`` is the core that the
CLI, the store and later the cluster runner share.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from ._exceptions import InputError
from ._options import Options
from ._types import Article, Sentence
from .analyze import analyze_sentence, hedges, loaded, source_article
from .embed import EmbeddingBackend, default_backend
from .ingest import read_paths
from .segment import split_sentences
from .story import find_families_and_apply
from .verify import verify_articles

if TYPE_CHECKING:
    from .store import Store


def segment_article(article: Article) -> Article:
    """Split into sentences and analyze each; idempotent."""
    if not article.sentences:
        article.sentences = [
            Sentence(index=i, start=a, end=b, text=t, facts=analyze_sentence(t))
            for i, (a, b, t) in enumerate(split_sentences(article.text))
        ]
    return article


def source_articles(articles: Sequence[Article]) -> None:
    """Attribution, quotes, hedges and loaded words of every sentence.

    Per article, because attribution carries from one sentence to the next; the
    outlets of all articles are known names, so "according to <outlet>" is found.
    """
    outlets = frozenset(a.outlet for a in articles if a.outlet)
    for a in articles:
        texts = [s.text for s in a.sentences]
        for s, src in zip(a.sentences, source_article(texts, outlets=outlets)):
            s.attribution, s.quotes = src.attribution, src.quotes
            s.hedges, s.loaded = hedges(s.text), loaded(s.text)


def run_stages(
    articles: Sequence[Article],
    *,
    embedder: EmbeddingBackend | None = None,
    options: Options | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Article]:
    arts = [segment_article(a) for a in articles]
    source_articles(arts)
    verify_articles(arts, embedder or default_backend(), options, progress=progress)
    find_families_and_apply(arts)  # copies of one article count as one source
    return arts


def _gather(inputs: Iterable[str | os.PathLike[str] | Article]) -> list[Article]:
    """Articles given as objects plus those read from paths (read once, checked before any work)."""
    items = list(inputs)
    paths = [p for p in items if not isinstance(p, Article)]
    return [a for a in items if isinstance(a, Article)] + (read_paths(paths) if paths else [])


def compare(
    inputs: Iterable[str | os.PathLike[str] | Article],
    *,
    embedder: EmbeddingBackend | None = None,
    options: Options | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Article]:
    """Check every sentence of every article against the others.

    ``inputs`` are paths (files or folders) or Article objects; at least two
    distinct articles are needed, since one article has nobody to agree with it.
    """
    arts = _gather(inputs)
    ids = {a.id for a in arts}
    if len(ids) < 2:
        raise InputError(
            "compare needs at least two different articles"
            + (" (the inputs hold the same article twice)" if len(arts) > 1 else ""),
            source=", ".join(dict.fromkeys(a.path or a.id for a in arts)) or None,
        )
    return run_stages(arts, embedder=embedder, options=options, progress=progress)


def add(
    inputs: Iterable[str | os.PathLike[str] | Article],
    *,
    store: Store,
    embedder: EmbeddingBackend | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Read, segment, embed and store articles; returns (added, already stored).

    Everything is read and embedded before the first write, and the write is one
    transaction: bad input or a crash leaves the store as it was.
    """
    from .embed import CachedEmbedder, text_key

    arts = [segment_article(a) for a in _gather(inputs)]
    backend = embedder or default_backend()
    new = [a for a in arts if not store.has_article(a.id)]
    texts = [s.text for a in new for s in a.sentences]
    cached = CachedEmbedder(backend, load=lambda keys: store.load_vectors(keys, backend.model_id))
    vectors: dict[str, object] = {}
    for i in range(0, len(texts), 256):
        chunk = texts[i : i + 256]
        for t, v in zip(chunk, cached.embed(chunk)):
            vectors[text_key(t)] = v
        if progress:
            progress(len(chunk))
    return store.add_articles(arts, vectors, backend.model_id)  # type: ignore[arg-type]
