"""The support features of one claim against one prepared source: coverage, names,
numbers, dates, negation, quotes and copy structure, plus the dense cosine and
word-piece alignment of the candidate windows the encoder reads. FEATURES is
what the claim model (``_model``) is trained on."""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np

from .._threads import quick_switches
from .._types import Contradiction, Facts
from ..analyze import analyze_sentence, content_words
from ..analyze._lexicon import STOPWORDS
from ..embed import EmbeddingBackend, TokenStates
from ._source import WORD, Source, as_written
from ._typed import find_contradiction, same_value

FEATURES = (
    "cov_doc", "cov_best", "cov_top", "cos_best", "cos_mean_top", "bigram_cov", "missing_words",
    "novel_name_frac", "novel_names", "novel_num_frac", "number_conflict", "date_conflict",
    "negation_mismatch", "quote_only_here", "claim_len", "cos_x_cov",
    "trigram_cov", "bigram_cov_best", "matched_best", "longest_run_best", "names_best_frac",
    "tok_mean", "tok_min", "tok_second", "tok_low", "tok_best_mean",
    "pair_same", "pair_near", "repeated_words",
    "src_len", "span_cos_gain", "span_cov_gain",
)
#: Features that need the encoder; the fast model does without them.
DENSE = ("cos_best", "cos_mean_top", "cos_x_cov", "tok_mean", "tok_min", "tok_second", "tok_low", "tok_best_mean",
         "span_cos_gain")
# source sentences sent to the encoder per claim: 3, 6 or all gave the same CV AUC (docs/claim_model.md);
# 3 is the fastest
CANDIDATES = 3
SPANS = 2  # windows of 2-3 sentences sent to the encoder per claim, besides the sentences
#: Coverage a window must gain per sentence it adds before it outranks a shorter one:
#: a longer window always covers at least as much, but dilutes the sentence vectors.
SPAN_COST = 0.1
#: Cosine a window of several sentences must gain over the best single sentence to be
#: shown as the evidence: a neighbour that adds nothing to the claim only dilutes it.
SPAN_MARGIN = 0.01


PAIR_WORDS = 8  # the claim's rarest words whose pairings are checked: the who and what of a claim


def _pairings(lx: _Lex, src: Source) -> tuple[float, float]:
    """Share of pairs of the claim's rarest found words that the source puts in one
    sentence, and within a sentence of each other. Words found apart and joined
    in the claim are how a summary fuses the wrong subject with the wrong act."""
    found = [(wt, w) for w, wt, ok in zip(lx.words, lx.weights, lx.present, strict=False) if ok]
    top = [w for _, w in sorted(found, reverse=True)[:PAIR_WORDS]]
    if len(top) < 2:
        return 1.0, 1.0
    near = {w: {j for i in src.where[w] for j in (i - 1, i, i + 1)} for w in top}
    same = close = total = 0
    for a in range(len(top)):
        for b in range(a + 1, len(top)):
            total += 1
            same += bool(src.where[top[a]] & src.where[top[b]])
            close += bool(near[top[a]] & src.where[top[b]])
    return same / total, close / total


@dataclass
class _Lex:
    """The lexical side of one claim against one source, and the texts worth embedding."""

    claim: str  # as matched: untokenised, capitals restored
    words: list[str]  # distinct content words, in order
    repeated: float  # share of the claim's content words that repeat an earlier one
    weights: np.ndarray
    total: float
    present: np.ndarray
    win_cov: np.ndarray  # per window (the single sentences first)
    order: np.ndarray  # the candidate sentences (windows of one), best coverage first
    spans: np.ndarray  # the candidate windows of 2-3 sentences

    def texts(self, src: Source) -> list[str]:
        return [self.claim] + [src.texts[i] for i in self.order] + [src.texts[i] for i in self.spans]


# compare scores each sentence against every other article: analyse it once, not once per article
@lru_cache(maxsize=8192)
def _analyzed(claim: str) -> Facts:
    return analyze_sentence(claim)


@lru_cache(maxsize=8192)
def _content_words(claim: str) -> list[str]:
    return content_words(claim)


def _lexical(claim: str, src: Source) -> _Lex:
    claim = as_written(claim, src)
    every = _content_words(claim)
    words = list(dict.fromkeys(every))
    weights = np.array([src.idf.get(w, src.default_idf) for w in words]) if words else np.zeros(0)
    total = float(weights.sum()) or 1.0
    present = np.array([w in src.all_words for w in words], dtype=bool)
    win_cov = _coverage(words, weights, total, src)
    n = len(src.sentences)  # windows_of lists the single sentences first
    multi = win_cov[n:] - SPAN_COST * (src.span[n:] - 1)
    return _Lex(claim, words, 1.0 - len(words) / max(len(every), 1), weights, total, present, win_cov,
                np.argsort(-win_cov[:n])[:CANDIDATES], n + np.argsort(-multi, kind="stable")[:SPANS])


def _coverage(words: list[str], weights: np.ndarray, total: float, src: Source) -> np.ndarray:
    """Share of the claim's word weight each window holds. The weights are added up word
    by word in the claim's order, so each window's sum is the same float as summing the
    words it holds one by one."""
    acc = np.zeros(len(src.content), dtype=np.float64)
    holding = src.windows_holding()
    for w, wt in zip(words, weights, strict=False):
        at = holding.get(w)
        if at is not None:
            acc[at] += wt
    return acc / total


def claim_features(
    claim: str, src: Source, states: dict[str, TokenStates] | None, tolerance: float = 0.02,
    lex: _Lex | None = None,
) -> tuple[np.ndarray, Contradiction | None, int]:
    """(feature vector, typed contradiction if any, index of the best window);
    ``states`` holds the encoder output of the claim and its candidate windows.
    Without it (the fast model) the DENSE features are left at zero and the best
    window is the one sharing most words."""
    lx = lex or _lexical(claim, src)
    claim = lx.claim
    f = _analyzed(claim)
    words, weights, total, present, win_cov, order = lx.words, lx.weights, lx.total, lx.present, lx.win_cov, lx.order
    cov_doc = float(weights[present].sum() / total) if words else 1.0
    texts = lx.texts(src)
    k = len(order)
    if states is None:
        cos, best_local, tok = np.zeros(len(texts) - 1), 0, [0.0] * 5
    else:
        vecs = np.stack([states[t].vector for t in texts])
        cos = vecs[1:] @ vecs[0]
        best_local = int(np.argmax(cos[:k])) if k else 0
        tok = _piece_alignment(states[texts[0]], [states[t] for t in texts[1 : 1 + k]], best_local)
    best = int(order[best_local]) if k else 0
    # a window of 2-3 sentences: what it adds over the best sentence, and whether it is the evidence to show
    span_cos = span_cov = 0.0
    shown = best
    if len(lx.spans):
        m = int(np.argmax(cos[k:])) if states is not None else 0
        span_cos = max(float(cos[k + m] - cos[best_local]), 0.0) if states is not None else 0.0
        span_cov = max(float(win_cov[lx.spans[m]] - win_cov[best]), 0.0)
        if span_cos > SPAN_MARGIN:
            shown = int(lx.spans[m])
    cov_top = (
        float(
            sum(wt for w, wt in zip(words, weights, strict=False) if any(w in src.content[i] for i in order[:3]))
            / total
        )
        if words
        else 1.0
    )
    raw = WORD.findall(claim.lower())
    bigrams = list(zip(raw, raw[1:], strict=False))
    bigram_cov = sum(1 for b in bigrams if b in src.bigrams) / len(bigrams) if bigrams else 1.0
    novel = [n for n in f.names if not src.names.has(n)]
    qty = [q for q in f.quantities]
    novel_q = [
        q
        for q in qty
        if not any(
            (u == q.unit or not q.unit or not u) and same_value(v, q.value, tolerance) for u, v in src.quantities
        )
    ]
    hit = None
    for i in order[:3]:  # the candidate sentences (windows of one)
        hit = find_contradiction(f, src.facts[i], article="source", sentence=int(i), tolerance=tolerance,
                                 near_duplicate=False, carried=src.carried, texts=(claim, src.sentences[i]),
                                 names=src.names)
        if hit:
            break
    # the window's sentence that shares most with the claim speaks for its polarity
    focus = max(src.sentences_of(shown), key=lambda i: win_cov[i]) if len(win_cov) else 0
    neg = bool(len(cos) and cos[best_local] >= 0.8 and f.negated != src.facts[focus].negated)
    quote_missing = any(
        " " + " ".join(WORD.findall(q.lower())) + " " not in src.norm for q in f.quotes if len(q.split()) >= 3
    )
    cos_best = float(cos[best_local]) if k else 0.0
    trigrams = list(zip(raw, raw[1:], raw[2:], strict=False))
    trigram_cov = sum(1 for t in trigrams if t in src.trigrams) / len(trigrams) if trigrams else 1.0
    # how much of the claim is copied from its single best-matching window, and in what order
    lex_best = src.tokens[int(order[0])] if len(order) else []
    win_bigrams = set(zip(lex_best, lex_best[1:], strict=False))
    bigram_best = sum(1 for b in bigrams if b in win_bigrams) / len(bigrams) if bigrams else 1.0
    sm = SequenceMatcher(None, raw, lex_best, autojunk=False)
    blocks = sm.get_matching_blocks()
    matched = sum(b.size for b in blocks) / max(len(raw), 1)
    longest = max((b.size for b in blocks), default=0) / max(len(raw), 1)
    win_norm = " " + " ".join(lex_best) + " "
    names_best = sum(1 for n in f.names if " " + " ".join(WORD.findall(n.lower())) + " " in win_norm) / max(
        len(f.names), 1
    )
    x = np.array([
        cov_doc, float(win_cov[best]) if len(win_cov) else 0.0, cov_top, cos_best,
        float(np.mean(np.sort(cos[:k])[-3:])) if k else 0.0, bigram_cov,
        min(int((~present).sum()), 10) / 10.0, len(novel) / max(len(f.names), 1), min(len(novel), 3) / 3.0,
        len(novel_q) / max(len(qty), 1), float(hit is not None and hit.type == "number"),
        float(hit is not None and hit.type == "date"), float(neg), float(quote_missing),
        min(len(words), 40) / 40.0, cos_best * cov_doc,
        trigram_cov, bigram_best, matched, longest, names_best, *tok, *_pairings(lx, src),
        lx.repeated, min(math.log1p(len(src.sentences)) / math.log(101), 1.0), span_cos, span_cov,
    ])
    if neg and hit is None:
        hit = Contradiction("negation", "negated" if f.negated else "affirmed",
                            "negated" if src.facts[focus].negated else "affirmed", "source", focus)
    return x, hit, shown


def _content_words_of_pieces(tokens: list[str]) -> list[list[int]]:
    """Word-piece rows grouped into the claim's content words (stopwords,
    punctuation and special tokens left out)."""
    words: list[list[int]] = []
    current: list[int] = []
    text = ""

    def close() -> None:
        if current and text.isalnum() and text.lower() not in STOPWORDS and (len(text) > 1 or text.isdigit()):
            words.append(list(current))

    for i, t in enumerate(tokens):
        if t.startswith("##") and current:
            current.append(i)
            text += t[2:]
            continue
        close()
        current, text = ([i], t) if not (t.startswith("[") and t.endswith("]")) else ([], "")
    close()
    return words


def _piece_alignment(claim: TokenStates, windows: list[TokenStates], best: int) -> list[float]:
    """How well each content word of the claim is matched, piece by piece, in the
    candidate windows (mean, worst, second worst, share under 0.6) and in the best
    window alone (mean). A word no window carries in any form pulls these down
    even when the sentence vectors look alike: the invented name or figure."""
    starts, ends = _word_spans(tuple(claim.tokens))
    if not len(starts) or not windows:
        return [1.0, 1.0, 1.0, 0.0, 1.0]
    inner = [w.pieces[1:-1] if len(w.pieces) > 2 else w.pieces for w in windows]
    sims = claim.pieces @ np.concatenate(inner).T
    word = _word_means(sims.max(axis=1), starts, ends)
    best_word = _word_means((claim.pieces @ inner[best].T).max(axis=1), starts, ends)
    ranked = np.sort(word)
    return [float(word.mean()), float(ranked[0]), float(ranked[min(1, len(ranked) - 1)]),
            float((word < 0.6).mean()), float(best_word.mean())]


@lru_cache(maxsize=8192)
def _word_spans(tokens: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """[start, end) piece rows of each content word (its pieces are consecutive), once per claim."""
    groups = _content_words_of_pieces(list(tokens))
    return np.array([g[0] for g in groups], dtype=np.int64), np.array([g[-1] + 1 for g in groups], dtype=np.int64)


def _word_means(per_piece: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    total = np.concatenate([[0.0], np.cumsum(per_piece, dtype=np.float64)])
    return (total[ends] - total[starts]) / (ends - starts)


def encode(texts: Sequence[str], embedder: EmbeddingBackend, cache: dict[str, TokenStates]) -> None:
    """Run the encoder once over the texts not yet in ``cache``.

    A backend without word-piece output (any ``embed``-only backend) gets one
    piece per text, its sentence vector: the piece features then fall back to
    the sentence cosine.
    """
    todo = [t for t in dict.fromkeys(texts) if t not in cache]
    if not todo:
        return
    backend = getattr(embedder, "backend", embedder)
    if hasattr(backend, "embed_tokens"):
        found = backend.embed_tokens(todo)
    else:
        found = [TokenStates(v, v[None, :], ["text"]) for v in embedder.embed(todo)]
    cache.update(zip(todo, found, strict=False))


def features_batch(
    items: Sequence[tuple[str, Source]], embedder: EmbeddingBackend | None, tolerance: float = 0.02,
    cache: dict[str, TokenStates] | None = None,
) -> list[tuple[np.ndarray, Contradiction | None, int]]:
    """claim_features for many claims, their windows encoded once each (none when
    ``embedder`` is None: the fast model's features).

    The claims go in lots: while the encoder (onnxruntime, which lets go of the GIL) runs
    over the windows of the next lot, this thread works out the features of the lot whose
    windows are encoded. On 2 cores the word statistics then cost little wall time. Each
    text is still encoded once, alone or in the same batches, so the result is the one of
    encoding every window first.
    """
    if embedder is None:
        return [claim_features(c, src, None, tolerance) for c, src in items]
    states = cache if cache is not None else {}
    lots = _lots(len(items))
    out: list[tuple[np.ndarray, Contradiction | None, int]] = []
    if len(lots) < 2:
        lexes = [_lexical(c, src) for c, src in items]
        encode([t for (_, src), lx in zip(items, lexes, strict=True) for t in lx.texts(src)], embedder, states)
        return [claim_features(c, src, states, tolerance, lex=lx) for (c, src), lx in zip(items, lexes, strict=True)]
    with ThreadPoolExecutor(1, thread_name_prefix="storycheck-encode") as pool, quick_switches():
        def submit(lot: range) -> tuple[list[_Lex], Future[None]]:
            lexes = [_lexical(*items[n]) for n in lot]
            texts = [t for n, lx in zip(lot, lexes, strict=True) for t in lx.texts(items[n][1])]
            return lexes, pool.submit(encode, texts, embedder, states)

        ahead = submit(lots[0])
        for k, lot in enumerate(lots):
            lexes, done = ahead
            if k + 1 < len(lots):
                ahead = submit(lots[k + 1])  # queued behind this lot's encoding: one encoder run at a time
            done.result()
            out.extend(claim_features(*items[n], states, tolerance, lex=lx) for n, lx in zip(lot, lexes, strict=True))
    return out


#: Claims per lot in features_batch: the first lot's encoding, which nothing overlaps, is
#: FIRST_LOT claims'; the lots then double up to LOT (a batching backend still fills its batches).
FIRST_LOT = 8
LOT = 48


def _lots(n: int) -> list[range]:
    """Consecutive ranges covering 0..n: FIRST_LOT, then twice the last, up to LOT."""
    out: list[range] = []
    at, size = 0, FIRST_LOT
    while at < n:
        out.append(range(at, min(at + size, n)))
        at, size = at + size, min(2 * size, LOT)
    return out

STATES_KEPT = 4096  # encoder outputs kept across batches (~50 KB each, so ~200 MB at most): windows repeat
