from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence

import numpy as np

from .._options import Options
from .._threads import one_blas_thread
from .._time import surely_before
from .._types import Article, BodySupport, Contradiction, Evidence, Facts, Link, Sentence, Verdict
from ..analyze import added_layers, analyze_sentence
from ..analyze._lexicon import NEGATIONS
from ..embed import EmbeddingBackend, TokenStates, multilingual_backend
from ._align import attribution_aligned, confirm, time_conflict
from ._crosslang import Other, embed_units, involves_other_language, other_view
from ._crosslang import stance as cross_stance
from ._entail import EntailmentBackend, default_entailment
from ._features import FEATURES, encode, features_batch
from ._model import ClaimModel
from ._quotes import reworded
from ._slots import StorySlots
from ._source import Source, evidence_pair, prepare_sentences
from ._typed import attribution_conflict
from ._untyped import conflict_model, find_conflicts

_NEGATORS = frozenset(NEGATIONS)
#: A line that a member of its own copy family carries with this much support (a copy of the
#: line, nearly word for word) shows what carrying it takes: another family then confirms it only
#: through a confident link, support of at least CONFIRM_SCORE or a dense cosine of at least
#: CONFIRM_COSINE. On real rewrite networks (realnews TUNE stories) the looser links such a line
#: gets from outside the network are mostly a related sentence of the same topic (11 % of them
#: name an article the reader lists as carrying the line, against 20 % of the links kept), and a
#: line only the network carries must count one source, not five.
COPIED_LINE = 0.9
CONFIRM_SCORE = 0.7
CONFIRM_COSINE = 0.6


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


def _decide(s: Sentence, supported: bool) -> Verdict:
    facts = s.facts
    assert facts is not None
    if s.contradiction is not None:
        return "contradicted"
    if supported and not s.uncarried:
        return "supported"
    if supported:
        return "unsupported"  # the core is carried, the added source, quote or detail is this article's alone
    factual = facts.quantities or facts.dates or facts.quotes
    novel_names = s.features.get("novel_names", 0.0) if s.features else 0
    if not facts.checkable or (not factual and novel_names == 0 and len(facts.subjective) >= 2):
        return "opinion"
    return "unsupported"


@one_blas_thread
def verify_articles(
    articles: Sequence[Article],
    embedder: EmbeddingBackend,
    options: Options | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    model: ClaimModel | None = None,
    multilingual: EmbeddingBackend | None = None,
) -> None:
    """Fill verdict, score, evidence and contradiction on every sentence of every article.

    Each other article takes a stance on each sentence (carries, contradicts or
    is silent), decided by the claim model that ``score-claims`` uses, with the
    other article as the source: its windows of 1 to 3 sentences are the
    evidence, so a claim a rewrite spreads over two sentences is found whole.
    Typed checks (number, date, entity, negation, quote wording, attribution)
    come on top. The verdict follows the stances, so one outlier cannot overturn
    a fact that several outlets carry, and one faithful copy cannot hide a
    contradiction from the rest.

    ``multilingual``: the multilingual space's backend (default: ``multilingual_backend()``);
    an ``embedder`` or ``multilingual`` with ``stored``/``remember`` (``CachedEmbedder`` over
    a store) gives the sentence vectors it knows and keeps the ones computed here. Only
    English articles get English vectors: every pair with another article is judged in
    the multilingual space.
    """
    opts = options or Options()
    mdl = model or ClaimModel.bundled()
    units = [_units(a) for a in articles]  # the headline (when there is one), then the sentences
    langs = [a.language or "en" for a in articles]  # unknown is English: the path every article took before
    flat: list[tuple[int, Sentence]] = [(ai, s) for ai, us in enumerate(units) for s in us]
    if not flat:
        return
    states: dict[str, TokenStates] = {}
    vecs = _sentence_vectors(embedder, [s.text if langs[ai] == "en" else None for ai, s in flat], states)
    for (_, s), v in zip(flat, vecs, strict=True):
        s.vector = v
    lex = _Lexical([s.facts for _, s in flat])  # type: ignore[misc]
    owner = np.array([ai for ai, _ in flat])
    rows_of = [np.flatnonzero(owner == ai) for ai in range(len(articles))]
    sources = [prepare_sentences([u.text for u in us], [u.facts for u in us]) if us else None  # type: ignore[misc]
               for us in units]
    dense = embedder if mdl.dense else None
    # the cascade (ClaimModel.probability_with); the shipped combination changes no verdict: nothing to load
    nli = default_entailment() if mdl.verdicts_use_entailment else None
    # first every sentence against every other article (the costly part), then the stances,
    # which look both ways: two sentences carry one claim when either carries the other
    scored: list[dict[tuple[int, int], tuple[float, np.ndarray, Contradiction | None, int]]] = []
    nears: list[dict[int, np.ndarray]] = []
    rets: list[np.ndarray] = []
    others_of: list[list[int]] = []
    memo: dict[tuple[str, int], tuple[float, np.ndarray, Contradiction | None, int]] = {}
    # pairs with a non-English article are judged in the multilingual space (_crosslang)
    cross_of = [[bi for bi, src in enumerate(sources) if bi != ai and src is not None
                 and involves_other_language(langs[ai], langs[bi])] if len(rows_of[ai]) else []
                for ai in range(len(articles))]
    # a sentence in another language than its article's (a quote left in Russian) is judged across languages too
    foreign = [{i for i, u in enumerate(us) if u.language and u.language != langs[ai]} for ai, us in enumerate(units)]
    mvecs, views = _multilingual(articles, units, cross_of, langs, foreign, multilingual)
    for ai, art in enumerate(articles):
        rows = rows_of[ai]
        others = [bi for bi, src in enumerate(sources) if bi != ai and src is not None
                  and bi not in cross_of[ai]] if len(rows) else []
        # how related each other article's closest sentence is: a pair with nothing related is silent unscored
        ret = _related(rows, vecs, lex, opts) if len(rows) else np.zeros((0, len(vecs)))
        near = {bi: ret[:, rows_of[bi]] for bi in others}
        pairs = [(i, bi) for i in range(len(rows)) for bi in others if near[bi][i].max() >= opts.min_related]
        # a sentence repeated word for word in several articles (copies) is scored once per other article
        todo = list(dict.fromkeys((units[ai][i].text, bi) for i, bi in pairs if (units[ai][i].text, bi) not in memo))
        found = features_batch([(text, sources[bi]) for text, bi in todo], dense,  # type: ignore[misc]
                               opts.number_tolerance, cache=states)
        def evidence(idx: np.ndarray, todo: list[tuple[str, int]] = todo,
                     found: list[tuple[np.ndarray, Contradiction | None, int]] = found) -> list[tuple[str, str]]:
            return [evidence_pair(todo[n][0], sources[todo[n][1]], found[n][2]) for n in idx]  # type: ignore[arg-type]

        probs = mdl.probability_with(np.stack([x for x, _, _ in found]), nli, evidence) if found else np.zeros(0)
        memo.update({key: (float(probs[n]), *found[n]) for n, key in enumerate(todo)})
        scored.append({(i, bi): memo[(units[ai][i].text, bi)] for i, bi in pairs})
        nears.append(near)
        rets.append(ret)
        others_of.append(others)
        if art.headline is not None and langs[ai] != "en" and ai in views:
            _body_support_multilingual(art, mvecs[ai], views[ai], langs[ai], opts)
        elif art.headline is not None:
            _body_support(art, mdl, dense, states, opts, nli)
        if progress:
            progress(len(art.sentences))

    def carried_back(ai: int, i: int, bi: int, window: list[Sentence]) -> bool:
        """Whether a sentence of ``window`` (in article bi) is carried by a window of article
        ai whose sentence sharing most words with it is unit i."""
        src = sources[ai]
        for ev in window:
            j = ev.index + (1 if units[bi][0].index == -1 else 0)  # the headline, when there is one, is unit 0
            got = scored[bi].get((j, ai))
            if got is None or got[0] < opts.support_threshold or src is None:
                continue
            a, b = src.windows[got[3]]
            if a <= i < b:
                cover = lex.coverage(rows_of[bi][[j]], rows_of[ai][a:b])[0]
                if a + int(np.argmax(cover)) == i:
                    return True
        return False

    stances_of: dict[tuple[int, int], list[tuple[Link, np.ndarray | None]]] = {}
    slots = StorySlots(articles, units)  # the time of each lead's event, ages, durations ...
    for ai in range(len(articles)):
        rows = rows_of[ai]
        judged = sorted(others_of[ai] + cross_of[ai])  # the other articles, each one stance per unit
        for i, s in enumerate(units[ai]):
            stances: list[tuple[Link, np.ndarray | None]] = stances_of.setdefault((ai, i), [])
            for bi in judged:
                if bi in cross_of[ai] or (i in foreign[ai] and bi in views):
                    stances.append((cross_stance(s, mvecs[ai][i], s.language or langs[ai], views[bi], opts,
                                                published=articles[ai].published,
                                                article_text=articles[ai].text), None))
                    continue
                got = scored[ai].get((i, bi))
                if got is None:
                    j = int(np.argmax(nears[ai][bi][i]))
                    stances.append(
                        _unrelated(articles[bi].id, units[bi][j], float(vecs[rows[i]] @ vecs[rows_of[bi][j]]))
                    )
                    continue
                p, x, hit, best = got
                stances.append(_stance(s, rets[ai][i], articles, units, ai, bi, sources[bi], rows_of[bi],  # type: ignore[arg-type]
                                       p, x, hit, best, opts, functools.partial(carried_back, ai, i, bi)))
            if slots.holds(ai, i):  # slots read across whole articles (verify/_slots.py)
                stances[:] = [(slots.stance(ln, ai, i, bi), x) for (ln, x), bi in zip(stances, judged, strict=True)]
    # conflicts without a typed slot: the entailment model on the aligned pairs only (_untyped)
    find_conflicts(units, stances_of, [lang == "en" for lang in langs], [a.id for a in articles], conflict_model)
    for (ai, i), stances in stances_of.items():
        _record(units[ai][i], stances, opts)
    for ai, us in enumerate(units):
        if langs[ai] != "en":
            for s in us:
                s.vector = None  # the English encoder's vector of another language means nothing to compare


def _sentence_vectors(embedder: EmbeddingBackend, texts: Sequence[str | None],
                      states: dict[str, TokenStates]) -> np.ndarray:
    """Unit sentence vectors of ``texts`` (zeros for None): those the embedder already knows
    (``stored``), the others through the encoder's word-piece run (kept in ``states`` for the
    claim features, and handed back to the embedder's ``remember``)."""
    wanted = [t for t in dict.fromkeys(texts) if t is not None]
    stored = getattr(embedder, "stored", None)
    known: dict[str, np.ndarray] = stored(wanted) if callable(stored) else {}
    todo = [t for t in wanted if t not in known]
    encode(todo, embedder, states)
    fresh = {t: states[t].vector for t in todo}
    remember = getattr(embedder, "remember", None)
    if callable(remember) and fresh:
        remember(fresh)
    known.update(fresh)
    zero = np.zeros(embedder.dim, np.float32)
    return np.stack([known[t] if t is not None else zero for t in texts]).astype(np.float32, copy=False)


def _multilingual(articles: Sequence[Article], units: list[list[Sentence]], cross_of: list[list[int]],
                  langs: list[str], foreign: list[set[int]],
                  backend: EmbeddingBackend | None) -> tuple[dict[int, np.ndarray], dict[int, Other]]:
    """Multilingual vectors and views of every article in a pair judged across languages (all of
    them when some sentence is in another language than its article); the multilingual model
    (``backend``, default ``multilingual_backend()``) is loaded only then."""
    which = sorted({ai for ai, cs in enumerate(cross_of) if cs} | {bi for cs in cross_of for bi in cs}
                   | {ai for ai, a in enumerate(articles) if langs[ai] != "en" and a.headline is not None}
                   | (set(range(len(articles))) if any(foreign) else set()))
    if not which:
        return {}, {}
    mvecs = embed_units(units, which, backend or multilingual_backend())
    body = {ai: [u for u in units[ai] if u.index >= 0] for ai in which}
    views = {ai: other_view(articles[ai], body[ai], mvecs[ai][len(units[ai]) - len(body[ai]):])
             for ai in which}
    return mvecs, views


def _body_support_multilingual(art: Article, vectors: np.ndarray, body: Other, lang: str,
                               opts: Options) -> None:
    """Whether the body carries the headline, in the multilingual space (index -1 is unit 0)."""
    head = art.headline
    assert head is not None
    if not body.units:
        art.headline_support = BodySupport("unsupported", 0.0, [])
        return
    ln = cross_stance(head, vectors[0], lang, body, opts)
    verdict: Verdict = "contradicted" if ln.stance == "contradicts" else "supported" if ln.stance == "carries" \
        else "unsupported"
    art.headline_support = BodySupport(verdict, ln.score, [ln.evidence] if ln.evidence else [], ln.contradiction)


def _units(art: Article) -> list[Sentence]:
    """What an article offers and what is checked of it: its headline as a sentence of
    its own (index -1), then its sentences, each analysed."""
    title = (art.title or "").strip()
    art.headline = Sentence(index=-1, start=0, end=0, text=" ".join(title.split())) if title else None
    out = ([art.headline] if art.headline else []) + list(art.sentences)
    for s in out:
        if s.facts is None:  # the headline, and sentences built without segment_article
            s.facts = analyze_sentence(s.text, s.language or art.language, published=art.published)
    return out


def _related(rows: np.ndarray, vecs: np.ndarray, lex: _Lexical, opts: Options) -> np.ndarray:
    """Retrieval score of each of ``rows`` against every sentence: dense cosine and
    idf-weighted word coverage, mixed."""
    cols = np.arange(len(vecs))
    return opts.dense_weight * (vecs[rows] @ vecs.T) + (1 - opts.dense_weight) * lex.coverage(rows, cols)


def _unrelated(article: str, closest: Sentence, cos: float) -> tuple[Link, np.ndarray | None]:
    """The stance of an article none of whose sentences is related: silent, not scored
    (score 0), its closest sentence named."""
    return Link(article, closest.index, 0.0, "silent", None, round(cos, 4),
                Evidence(article, closest.index, closest.text, 0.0)), None


def _stance(
    s: Sentence, ret: np.ndarray, articles: Sequence[Article], units: list[list[Sentence]], ai: int, bi: int,
    src: Source, rows: np.ndarray, p: float, x: np.ndarray, hit: Contradiction | None, best: int, opts: Options,
    carried_back: Callable[[list[Sentence]], bool],
) -> tuple[Link, np.ndarray | None]:
    """One other article's stance on a sentence, from the claim model's probability and
    the typed checks against its windows. Quote wording and sourcing are compared when
    the two carry one claim: the window carries the sentence, or the sentence's article
    carries the window back (support is not symmetric: a short sentence is carried by a
    long one that says more, not the other way round)."""
    other = articles[bi]
    theirs = units[bi]
    ev_s: Sentence | None = None  # the sentence a contradiction points at
    if hit is not None:  # a typed mismatch counts only against a related sentence: unrelated numbers prove nothing
        ev_s = theirs[hit.sentence]
        hit = Contradiction(hit.type, hit.claim_span, hit.evidence_span, other.id, ev_s.index) \
            if ret[rows[hit.sentence]] >= opts.related_threshold else None
        if hit is not None:  # the compared slot must be one: a number of the same thing, a name in one role
            hit = confirm(hit, s, ev_s, claim_article=articles[ai].text, ev_article=other.text,
                          tol=opts.number_tolerance, carried=src.carried, same_language=True, negators=_NEGATORS,
                          published=(articles[ai].published, other.published),
                          languages=(articles[ai].language, other.language))
    a, b = src.windows[best]
    window = theirs[a:b]
    carries = hit is None and (p >= opts.support_threshold or carried_back(window))
    if carries:  # one claim: the time of day it gives must be one (in one frame; a zone shift is no conflict)
        tc = next(((ev, c) for ev in window if (c := time_conflict(s.text, ev.text))), None)
        if tc is not None:
            ev_s = tc[0]
            hit = Contradiction("time", tc[1][0], tc[1][1], other.id, ev_s.index)
    if hit is None and carries and _later_or_undated(articles[ai], other):
        changed = next((c for ev in window if (c := reworded(s.quotes, ev.quotes))), None)
        ev_att = next((ev for ev in window if ev.attribution is not None and ev.attribution.kind != "none"), window[0])
        if changed:
            ev_s = window[0]
            hit = Contradiction("quote", changed[0], changed[1], other.id, ev_s.index)
        elif (conflict := attribution_conflict(s.attribution, ev_att.attribution)) and _changed_here(
                articles[ai], other, s, ev_att) and attribution_aligned(s, ev_att):
            ev_s = ev_att
            hit = Contradiction("attribution", conflict[0], conflict[1], other.id, ev_s.index)
    if hit is not None and ev_s is not None:
        evidence = Evidence(other.id, ev_s.index, ev_s.text, round(p, 4))
    else:
        evidence = Evidence(other.id, window[0].index, src.texts[best], round(p, 4), tuple(u.index for u in window))
    stance = "contradicts" if hit is not None else "carries" if p >= opts.support_threshold else "silent"
    cos = float(x[FEATURES.index("cos_best")])
    return Link(other.id, evidence.sentence, round(p, 4), stance, hit, round(cos, 4), evidence), x  # type: ignore[arg-type]


def _body_support(art: Article, mdl: ClaimModel, dense: EmbeddingBackend | None,
                  states: dict[str, TokenStates], opts: Options, nli: EntailmentBackend | None = None) -> None:
    """Whether the article's own body carries its headline (a headline the body does not
    carry is clickbait): the same model, the body's windows as the source."""
    head = art.headline
    assert head is not None
    body = art.sentences
    if not body:
        art.headline_support = BodySupport("unsupported", 0.0, [])
        return
    body_src = prepare_sentences([s.text for s in body], [s.facts for s in body])  # type: ignore[misc]
    ((x, hit, best),) = features_batch([(head.text, body_src)], dense, opts.number_tolerance, cache=states)
    p = float(mdl.probability_with(x, nli, lambda idx: [evidence_pair(head.text, body_src, best)])[0])
    a, b = body_src.windows[best]
    ev = Evidence(art.id, body[a].index, body_src.texts[best], round(p, 4), tuple(s.index for s in body[a:b]))
    if hit is not None:
        hit = Contradiction(hit.type, hit.claim_span, hit.evidence_span, art.id, body[hit.sentence].index)
        p = min(p, 0.1)
    verdict: Verdict = "contradicted" if hit is not None else "supported" if p >= opts.support_threshold \
        else "unsupported"
    art.headline_support = BodySupport(verdict, round(p, 4), [ev], hit)


def _record(s: Sentence, stances: list[tuple[Link, np.ndarray | None]], opts: Options) -> None:
    s.links = [ln for ln, _ in stances]
    s.supported_by = [ln.article for ln in s.links if ln.stance == "carries"]
    s.contradicted_by = [ln.article for ln in s.links if ln.stance == "contradicts"]
    best = max((st for st in stances if st[1] is not None), key=lambda st: st[0].score, default=None)
    s.features = dict(zip(FEATURES, best[1].tolist(), strict=False)) if best and best[1] is not None else None
    settle(s, top_k=opts.top_k)


def _changed_here(mine: Article, theirs: Article, s: Sentence, ev: Sentence) -> bool:
    """Whether a change of source between two carriers is this sentence's doing. When the
    dates tell, the later one changed it (the caller checks that this one is not surely
    earlier). When they cannot, the one whose sourcing adds a layer the other lacks
    (leaked documents, intelligence sources, people not named) made the change; if
    neither does, nobody can tell, and both get the contradiction."""
    if surely_before(theirs.published, mine.published):
        return True
    return bool(added_layers(s.attribution, ev.attribution)) or not added_layers(ev.attribution, s.attribution)


def _later_or_undated(mine: Article, theirs: Article) -> bool:
    """Whether an attribution change would be this article's doing: it came later, or
    one date is missing and nobody can tell who changed the source."""
    return not surely_before(mine.published, theirs.published)


def _independent_support(s: Sentence, key: Callable[[str], str], own: str | None) -> set[str]:
    """The sources other than ``own`` that carry ``s``. When ``own`` carries it as a copy
    (support of at least COPIED_LINE), only confident links of other sources count: a rewrite
    network's line is not confirmed by every article that tells a related fact loosely."""
    carries = [ln for ln in s.links if ln.stance == "carries"]
    copied = own is not None and any(key(ln.article) == own and ln.score >= COPIED_LINE for ln in carries)
    return {key(ln.article) for ln in carries if key(ln.article) != own
            and (not copied or ln.score >= CONFIRM_SCORE or ln.cos >= CONFIRM_COSINE)}


def settle(
    s: Sentence,
    *,
    source_of: Callable[[str], str] | None = None,
    own: str | None = None,
    top_k: int = 3,
    changed_by: Collection[str] = (),
) -> None:
    """Verdict, score and contradiction from the stances of the other articles.

    Stances are counted per source: per article by default, per copy family when
    ``source_of`` maps articles to families (then support from the sentence's own
    family, ``own``, does not count, and such a sentence is ``only_in_copies``; a sentence
    its own family copies counts only confident links of other families, see
    _independent_support).
    A typed mismatch wins when more sources contradict the sentence than carry it
    (in a tie the sentence's own source is the casting vote: two outlets against one).
    A copy that drifted a number or a date from its own family still contradicts it;
    a negation flip or an untyped conflict (``claim``, or a possible one) inside a family does
    not, because spinning rewords freely ("chose to stay silent" → "chose to say nothing").
    ``changed_by``: articles whose contradiction is their own change (a later copy in the
    sentence's own family, story/_families): their stance stays, but it neither counts nor
    makes the sentence contradicted.
    """
    key = source_of or (lambda a: a)
    support = _independent_support(s, key, own) if source_of is not None else \
        {key(ln.article) for ln in s.links if ln.stance == "carries"} - {own}
    against = [ln for ln in s.links if ln.stance == "contradicts" and ln.article not in changed_by and not (
        source_of is not None and key(ln.article) == own and ln.contradiction is not None
        and ln.contradiction.type in ("negation", "claim"))]
    if source_of is not None:  # a copy rewording its own family is no conflict, possible or not
        s.possible_conflicts = [c for c in s.possible_conflicts if key(c.article) != own]
    s.independent_sources = len(support) if source_of else None
    s.only_in_copies = bool(source_of) and not support and any(ln.stance == "carries" for ln in s.links)
    counted = [ln for ln in s.links if key(ln.article) != own or source_of is None]
    p = max((ln.score for ln in counted), default=0.0)
    # each scored article's best window, best first (an article with nothing related offers none)
    s.evidence = [ln.evidence for ln in sorted(s.links, key=lambda ln: -ln.score)
                  if ln.evidence is not None and ln.score > 0][:top_k]
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



