"""The stages in order: ingest → segment → analyze → embed → verify → story.

``compare`` is the thin public function; ``run_stages`` is the core that the
CLI, the store and later the cluster runner share.
"""

from __future__ import annotations

import functools
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ._exceptions import InputError
from ._options import Options
from ._types import Article, Sentence
from .analyze import analyze_sentence, hedges, loaded, source_article
from .embed import EmbeddingBackend, Prefetched, default_backend, encode_ahead
from .ingest import CheckedArticles, ReadOptions, read_paths
from .lang import article_language, sentence_language
from .segment import content_sentences, drop_furniture
from .story import Family, find_families_and_apply
from .verify import verify_articles

if TYPE_CHECKING:
    from .store import Store


def detect_article_language(article: Article) -> Article:
    """The article's language (title and text), when not known yet; idempotent."""
    if article.language is None:
        article.language = article_language(article.title, article.text)
    return article


def segment_article(article: Article) -> Article:
    """Split into sentences and analyze each in its language; idempotent."""
    lang = detect_article_language(article).language
    if not article.sentences:
        article.sentences = [Sentence(index=i, start=a, end=b, text=t)
                             for i, (a, b, t) in enumerate(content_sentences(article.text))]
    for s in article.sentences:
        if s.language is None and lang is not None:  # cheap for English: ASCII letters never go to lingua
            s.language = sentence_language(s.text, lang)
        if s.facts is None:
            s.facts = analyze_sentence(s.text, s.language or lang, published=article.published)
    return article


def source_articles(articles: Sequence[Article]) -> None:
    """Attribution, quotes, hedges and loaded words of every sentence.

    Per article, because attribution carries from one sentence to the next; the
    outlets of all articles are known names, so "according to <outlet>" is found.
    """
    outlets = frozenset(a.outlet for a in articles if a.outlet)
    for a in articles:
        texts = [s.text for s in a.sentences]
        for s, src in zip(a.sentences, source_article(texts, outlets=outlets, language=a.language), strict=False):
            s.attribution, s.quotes = src.attribution, src.quotes
            s.hedges, s.loaded = hedges(s.text, s.language or a.language), loaded(s.text, s.language or a.language)


def run_stages(
    articles: Sequence[Article],
    *,
    embedder: EmbeddingBackend | None = None,
    options: Options | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Article]:
    return _check(articles, embedder, options, progress)[0]


def _check(
    articles: Sequence[Article],
    embedder: EmbeddingBackend | None,
    options: Options | None,
    progress: Callable[[int], None] | None,
    multilingual: EmbeddingBackend | None = None,
) -> tuple[list[Article], list[Family]]:
    """The stages in order; the copy families are returned so the story view need not find them again."""
    loading = _load_models(articles, embedder, multilingual)
    arts = [segment_article(a) for a in articles]
    drop_furniture(arts)  # also from stores written before furniture was left out at ingest
    arts = [segment_article(a) for a in arts]  # a re-split article's sentences get their language and facts
    # the sentences go to the encoders now, while this thread finds their sources and quotes
    ahead = encode_ahead(functools.partial(_loaded, loading, embedder), unit_texts(arts, english=True))
    multi_ahead = _multilingual_ahead(loading, arts) if multilingual is None else None
    source_articles(arts)
    if loading is not None:
        loading.join()  # the backends are built once (lru_cache): never by two threads
    if multi_ahead is not None:
        multi_ahead.join()  # verify asks the same backend for the same texts: from its memory now
    emb = embedder or default_backend()
    verify_articles(arts, Prefetched(emb, ahead) if Prefetched.suits(emb) else emb, options, progress=progress,
                    multilingual=multilingual)
    families = find_families_and_apply(arts)  # copies of one article count as one source
    return arts, families


def unit_texts(articles: Sequence[Article], *, english: bool) -> list[str]:
    """The texts verify encodes first: each article's headline (blanks folded, as verify makes
    it a unit) and sentences; with ``english``, of the English articles only (the English space)."""
    out: list[str] = []
    for a in articles:
        if not english or (a.language or "en") == "en":
            title = " ".join((a.title or "").split())
            out += ([title] if title else []) + [s.text for s in a.sentences]
    return out


def _multilingual_ahead(loading: threading.Thread | None, articles: Sequence[Article]) -> threading.Thread | None:
    """For a story with an article not in English (every article then has a pair judged in the
    multilingual space), encode every unit with the process's multilingual backend on a thread;
    it keeps them in its memory. Only for the fast engine, one text per run (a text's vector
    never depends on the texts beside it), so verify gets the vectors it would compute."""
    from ._threads import quick_switches
    from .embed import multilingual_backend

    if all((a.language or "en") == "en" for a in articles):
        return None
    texts = unit_texts(articles, english=False)

    def run() -> None:
        try:
            if loading is not None:
                loading.join()
            backend = multilingual_backend()
            if backend.one_text_per_run:
                with quick_switches():
                    backend.embed(texts)
        except Exception:  # noqa: BLE001, S110 - verify's own call reports it
            pass

    thread = threading.Thread(target=run, name="storycheck-multilingual-ahead", daemon=True)
    thread.start()
    return thread


def _loaded(loading: threading.Thread | None, embedder: EmbeddingBackend | None) -> EmbeddingBackend:
    """The English backend, once the thread loading the models is done with it."""
    if loading is not None:
        loading.join()
    return embedder or default_backend()


def _load_models(articles: Sequence[Article], embedder: EmbeddingBackend | None,
                 multilingual: EmbeddingBackend | None) -> threading.Thread | None:
    """Load the encoders the check will need (the English one unless given, the multilingual one
    when an article is not in English) on a thread while this one segments and analyzes: on 2 cores
    the hash checks and graph loads (~1–2 s) then cost no wall time. A failure is left for the
    check's own call to report."""
    from .embed import multilingual_backend

    jobs: list[Callable[[], Any]] = [] if embedder is not None else [default_backend]
    if multilingual is None and any((detect_article_language(a).language or "en") != "en" for a in articles):
        jobs.append(multilingual_backend)
    if not jobs:
        return None

    def load() -> None:
        for job in jobs:
            try:
                job()
            except Exception:  # noqa: BLE001, S110 - the check calls it again and reports the error there
                pass

    thread = threading.Thread(target=load, name="storycheck-load-models", daemon=True)
    thread.start()
    return thread


def _gather(inputs: Iterable[str | os.PathLike[str] | Article]) -> list[Article]:
    """Articles given as objects plus those read from paths (read once, checked before any work)."""
    items = list(inputs)
    paths = [p for p in items if not isinstance(p, Article)]
    return [a for a in items if isinstance(a, Article)] + (read_paths(paths) if paths else [])


def _checked(inputs: Iterable[str | os.PathLike[str] | Article] | CheckedArticles,
             read_options: ReadOptions | None) -> Iterable[Article]:
    """Articles to add: paths are read and checked now, then streamed."""
    if isinstance(inputs, CheckedArticles):
        return inputs
    items = list(inputs)
    given = [a for a in items if isinstance(a, Article)]
    paths = [p for p in items if not isinstance(p, Article)]
    return itertools.chain(given, CheckedArticles(paths, read_options)) if paths else given


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(articles)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


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
    return _check(_two_or_more(inputs), embedder, options, progress)[0]


def compare_document(
    inputs: Iterable[str | os.PathLike[str] | Article],
    *,
    embedder: EmbeddingBackend | None = None,
    options: Options | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """``compare`` and its JSON document with the story section, in one pass."""
    arts, families = _check(_two_or_more(inputs), embedder, options, progress)
    return story_document(arts, families=families)


def _two_or_more(inputs: Iterable[str | os.PathLike[str] | Article]) -> list[Article]:
    arts = _gather(inputs)
    if len({a.id for a in arts}) < 2:
        raise InputError(
            "compare needs at least two different articles"
            + (" (the inputs hold the same article twice)" if len(arts) > 1 else ""),
            source=", ".join(dict.fromkeys(a.path or a.id for a in arts)) or None,
        )
    return arts


class AddResult(NamedTuple):
    added: int  # articles stored
    already: int  # ids the store already had
    duplicates: int  # exact or near-duplicates linked to a stored article, not stored again
    stories: int  # stories created or changed


#: Articles per transaction: a crash loses at most one batch, and a batch's story
#: update touches few enough stories to stay fast.
ADD_BATCH = 256


def add(
    inputs: Iterable[str | os.PathLike[str] | Article] | CheckedArticles,
    *,
    store: Store,
    embedder: EmbeddingBackend | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = ADD_BATCH,
    index: str | os.PathLike[str] | None = None,
    read_options: ReadOptions | None = None,
    vectors: bool | None = None,
) -> AddResult:
    """Read, segment and store articles, link duplicates and update stories.

    ``index``: a file for the nearest-neighbour index of lead vectors (faiss); it is
    brought up to date with the store, consulted for story candidates and saved.

    Everything is read and checked before the first write. Each batch is written
    in two transactions (the articles, then their stories), so bad input or a
    crash never leaves half an article, and a rerun picks up where it stopped:
    stored ids are skipped and stored articles still without a story are grouped
    first. Sentence vectors are computed when a story is first checked (and kept), not
    here unless ``vectors``: grouping needs only the lead, and that is what keeps ``add`` fast.

    JSONL archives and feeds are streamed: checked in a first pass, then added
    batch by batch, so memory does not grow with the files' size.
    ``read_options``: the encoding, limits and ``skip_bad`` for reading paths.
    ``vectors``: also store the sentence vectors a story check needs (``keep_vectors``), so
    that the story's first view reads them (default: ``STORYCHECK_ADD_VECTORS``, off).
    """
    keep = add_vectors() if vectors is None else vectors
    arts = _checked(inputs, read_options)
    backend = embedder or default_backend()
    vocab = store.vocabulary()
    ann = open_index(index, store, backend) if index else None
    changed = group_unassigned(store, backend, vocab, ann=ann)
    seen: set[str] = set()
    added = already = dups = 0
    for chunk in _batches(arts, batch_size):
        known = store.known_ids([a.id for a in chunk])
        new = []
        for a in chunk:
            if a.id in known or a.id in seen:
                already += 1
            else:
                seen.add(a.id)
                new.append(split_only(a))
        if new:
            n_added, n_already, n_dups, touched = _add_batch(store, new, backend, vocab, ann, keep)
            added, already, dups = added + n_added, already + n_already, dups + n_dups
            changed |= touched
            new.clear()
        if progress:
            progress(len(chunk))
        chunk.clear()  # the next batch is read before this name lets go of the list
    if ann is not None and index:
        ann.save(index)
    return AddResult(added, already, dups, len(changed))


def _add_batch(store: Store, new: list[Article], backend: EmbeddingBackend, vocab: Any, ann: Any,
               keep: bool) -> tuple[int, int, int, set[str]]:
    """One batch of new articles described, written and grouped: (added, already stored, duplicates,
    stories changed). Nothing of the batch outlives the call."""
    from .group import describe_batch

    batch = describe_batch(store, new, backend)
    stored = set(store.write_articles(batch, backend.model_id))
    if keep:
        keep_vectors(store, [a for a in batch.articles if a.id in stored], backend)
    feats = {f.id: f for f in batch.features if f.id in stored}
    vocab.add(list(feats.values()))
    # grouped in the order and with the features (language, lead) the store gives `add --dask` and
    # a resumed `add`: one path, one answer, without reading back what was just written
    order = sorted((a for a in batch.articles if a.id in stored), key=_publication_order)
    changed = _group(store, [feats[a.id] for a in order], vocab, backend, ann) if feats else set()
    return len(stored), len(batch.articles) - len(stored), len(batch.duplicates), changed


def add_vectors() -> bool:
    """``STORYCHECK_ADD_VECTORS``: whether ``add`` stores sentence vectors (off unless 1/yes/true/on)."""
    return (os.environ.get("STORYCHECK_ADD_VECTORS") or "").strip().lower() in ("1", "yes", "true", "on")


def keep_vectors(store: Store, articles: Sequence[Article], backend: EmbeddingBackend) -> int:
    """Store the sentence vectors (headline, then sentences) a story check reads: in the English
    space for English articles, in the multilingual space for the others (every pair with them
    is judged there). English articles of a story with another language get their multilingual
    vectors at its first check, which keeps them too. Returns the vectors computed."""
    from .embed import multilingual_backend

    texts: dict[bool, list[str]] = {True: [], False: []}
    for a in articles:
        title = " ".join((a.title or "").split())
        texts[(a.language or "en") == "en"] += ([title] if title else []) + [s.text for s in a.sentences]
    done = 0
    for english, todo in texts.items():
        if not todo:
            continue
        cache = store_cache(store, backend if english else multilingual_backend())
        cache.embed(todo)
        done += cache.computed
    return done


def store_cache(store: Store, backend: EmbeddingBackend, save: Callable[[dict[str, Any]], None] | None = None) -> Any:
    """``backend`` behind a CachedEmbedder that reads the store's vectors of its model and keeps the
    ones it computes: in the store (default) or through ``save`` (a story check collects them and
    writes them with its report)."""
    from .embed import CachedEmbedder

    model = backend.model_id
    return CachedEmbedder(backend, load=lambda keys: store.load_vectors(keys, model),
                          save=save if save is not None else lambda vectors: store.save_vectors(vectors, model))


def open_index(path: str | os.PathLike[str], store: Store, backend: EmbeddingBackend) -> Any:
    """The saved index at ``path`` (or a new one), with every stored lead vector in it."""
    from .index import load_index, new_index, sync

    ann = load_index(path, fetch=lambda ids: {
        f.id: f.vector for f in store.load_features(ids, backend.model_id) if f.vector is not None})
    if ann is None:
        ann = new_index(backend.dim, expected=len(store.feature_ids()))
    sync(ann, store, backend.model_id)
    return ann


def split_only(article: Article) -> Article:
    """Sentence offsets without analysis: what the store keeps (facts are found when a story is checked)."""
    detect_article_language(article)
    if not article.sentences:
        article.sentences = [Sentence(index=k, start=x, end=y, text=t)
                             for k, (x, y, t) in enumerate(content_sentences(article.text))]
    return article


def _group(store: Store, feats: Sequence[Any], vocab: Any, backend: EmbeddingBackend, ann: Any = None,
           options: Any = None) -> set[str]:
    from .group import group_batch

    update = group_batch(store, feats, vocab, backend, options, ann=ann)
    store.write_stories(update)
    if ann is not None:
        ann.add(
            [f.id for f in feats if f.vector is not None], _stack([f.vector for f in feats if f.vector is not None])
        )
    return set(update.stories) - set(update.dropped_stories)


def _stack(vectors: list[Any]) -> Any:
    import numpy as np

    return np.stack(vectors) if vectors else np.zeros((0, 1), np.float32)


def _publication_order(a: Article) -> tuple[bool, str, str]:
    """The order Store.unassigned gives: dated articles first, by date, then by id."""
    return a.published is None, a.published or "", a.id


def group_stored(store: Store, ids: Sequence[str], backend: EmbeddingBackend, vocab: Any, ann: Any = None,
                 options: Any = None) -> set[str]:
    """Stories for stored articles that have none yet, from what the store holds of them (features,
    language, lead): whichever process described and wrote them, they are grouped alike.
    ``options``: the ClusterOptions (their ``lead_chars`` rebuilds the stored leads)."""
    from .group import ClusterOptions

    opts = options or ClusterOptions()
    pos = {a: k for k, a in enumerate(ids)}
    feats = sorted(store.load_features(ids, backend.model_id, opts.lead_chars),
                   key=lambda f: pos[f.id])  # engines differ in order
    return _group(store, feats, vocab, backend, ann, opts) if feats else set()


def group_unassigned(store: Store, backend: EmbeddingBackend, vocab: Any | None = None,
                     batch_size: int = ADD_BATCH, progress: Callable[[int], None] | None = None,
                     ann: Any = None) -> set[str]:
    """Give every stored article without a story one (in publication order); returns the stories changed."""
    vocab = vocab if vocab is not None else store.vocabulary()
    changed: set[str] = set()
    while True:
        ids = store.unassigned(batch_size)
        if not ids:
            return changed
        changed |= group_stored(store, ids, backend, vocab, ann)
        if progress:
            progress(len(ids))


def story_document(
    articles: Sequence[Article], *, families: list[Family] | None = None, story_id: str | None = None,
    duplicates: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The JSON document of verified articles with their story section (``families`` when already found)."""
    from .report import story_dict, to_json_dict
    from .story import build_story

    report = build_story(articles, families)
    return to_json_dict(articles, story_dict(articles, report, story_id=story_id, duplicates=duplicates))


def stored_story_id(store: Store, story: str) -> str:
    """The id of the stored story ``story`` names (an id, a prefix of one, or one of its article ids),
    or a one-line InputError."""
    sid = store.find_story(story)
    if sid is None:
        raise InputError(f"no stored story or article with id {story!r} (see 'storycheck stories')")
    return sid


def check_stored_story(
    store: Store,
    story: str,
    *,
    embedder: EmbeddingBackend | None = None,
    options: Options | None = None,
    progress: Callable[[int], None] | None = None,
    refresh: bool = False,
) -> dict[str, Any]:
    """Verify a stored story (id, id prefix or one of its article ids) and return its document.

    The document is cached in the store until an article joins or leaves the
    story or storycheck's version changes. A linked duplicate (the same text under another id
    or outlet) changes no verdict, so it does not void the cached check: the document's
    ``story.duplicates`` is read from the store on every call. The sentence vectors of both spaces (English,
    multilingual) are read from the store when there (``add`` with vectors, or an earlier
    check) and the ones computed here are kept, so a later check encodes only what
    its pairs need.
    """
    import json

    from .embed import multilingual_backend

    sid = stored_story_id(store, story)
    arts = store.story_articles(sid)
    dups = store.story_duplicates(sid)
    members = members_hash(a.id for a in arts)
    version = code_version()
    cached = None if refresh else store.cached_report(sid, members, version)
    if cached is not None:
        doc: dict[str, Any] = json.loads(cached)
        doc["story"]["duplicates"] = list(dups)  # linked since the check: shown, nothing to re-check
        return doc
    backend = embedder or default_backend()
    fresh: dict[str, Any] = {}
    cache = store_cache(store, backend, save=fresh.update)
    mfresh: dict[str, Any] = {}
    # the multilingual model only for a story with an article not in English (loaded, ~1 s, when needed)
    multi = multilingual_backend() if any((a.language or "en") != "en" for a in arts) else None
    mcache = store_cache(store, multi, save=mfresh.update) if multi is not None else None
    arts, families = _check(arts, cache, options, progress, mcache)  # one article: all unsupported or opinion
    doc = story_document(arts, families=families, story_id=sid, duplicates=dups)
    if mfresh and multi is not None:
        store.save_vectors(mfresh, multi.model_id)
    store.save_report(sid, members, version, json.dumps(doc, ensure_ascii=False), fresh, backend.model_id)
    return doc


def members_hash(article_ids: Iterable[str]) -> str:
    """What a stored check is keyed by: the story's article ids (a check holds while they stay)."""
    from .embed import text_key

    return text_key("\n".join(sorted(article_ids)))


def last_stored_check(store: Store, story_id: str) -> dict[str, Any] | None:
    """The last stored check of the stored story ``story_id`` (an exact id) as it is, checking nothing;
    None when this code version never checked it.

    Its ``check`` section says whether it is current: ``stale`` when articles joined or left the story
    since, with ``pending_articles`` (in the story, not checked yet) and ``left_articles`` (checked, no
    longer in the story). ``story.duplicates`` is read from the store, as ``check_stored_story`` does.
    """
    import json

    last = store.last_report(story_id, code_version())
    if last is None:
        return None
    stored_members, report = last
    ids = sorted(store.story_members([story_id]).get(story_id, []))
    doc: dict[str, Any] = json.loads(report)
    doc["story"]["duplicates"] = list(store.story_duplicates(story_id))
    checked = {a["id"] for a in doc["articles"]}
    stale = stored_members != members_hash(ids)
    doc["check"] = {"stale": stale, "pending_articles": [i for i in ids if i not in checked] if stale else [],
                    "left_articles": sorted(checked - set(ids)) if stale else []}
    return doc


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """The version plus a hash of the package's code and model files: a cached story
    report is reused only by the code that made it."""
    import hashlib
    from pathlib import Path

    from ._version import __version__

    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".json", ".sql") and p.is_file():
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"
