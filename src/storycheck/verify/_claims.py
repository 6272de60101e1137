"""Score a claim against one or more source texts: the support judgement as a
standalone tool (summaries, LLM or RAG output checked against their sources).

Features are cheap and typed (coverage, names, numbers, dates, negation, quotes,
copy structure) plus the dense cosine of the source sentences that share most
words with the claim; a sign-constrained logistic regression and monotone boosted
trees, trained on the public dev sets (``make train``, docs/claim_model.md), turn
them into a probability.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .._threads import one_blas_thread
from .._types import Contradiction, Facts
from ..analyze import analyze_sentence, content_words
from ..analyze._lexicon import STOPWORDS
from ..embed import EmbeddingBackend, TokenStates, default_backend
from ..segment import split_sentences
from ._entail import EntailmentBackend, default_entailment, entailment_from_env, entailment_probs, is_bundled
from ._names import NameIndex
from ._typed import Carried, find_contradiction, same_value

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
#: Evidence windows are 1 to WINDOW consecutive sentences, so that a claim a rewrite
#: spreads over two or three sentences is found whole.
WINDOW = 3
#: Coverage a window must gain per sentence it adds before it outranks a shorter one:
#: a longer window always covers at least as much, but dilutes the sentence vectors.
SPAN_COST = 0.1
#: Cosine a window of several sentences must gain over the best single sentence to be
#: shown as the evidence: a neighbour that adds nothing to the claim only dilutes it.
SPAN_MARGIN = 0.01
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class _Source:
    sentences: list[str]
    windows: list[tuple[int, int]]  # [start, end) sentence ranges, 1 to WINDOW sentences each
    texts: list[str]  # the text of each window: what a claim is matched against
    facts: list[Facts]  # per sentence
    content: list[set[str]]  # per window
    idf: dict[str, float]
    default_idf: float
    all_words: set[str]
    bigrams: set[tuple[str, str]]
    trigrams: set[tuple[str, str, str]]
    tokens: list[list[str]]  # lower-case word tokens per window
    names: NameIndex
    quantities: list[tuple[str, float]]
    carried: Carried
    norm: str
    where: dict[str, set[int]]  # content word -> the sentences that hold it
    cased: dict[str, str]  # lower-case word -> how the source writes it, when it writes it as a name
    span: np.ndarray  # sentences per window

    def sentences_of(self, window: int) -> range:
        return range(*self.windows[window])


_TOKENIZED = (
    (re.compile(r"(?<!\d)(\d{1,3})\. (\d)"), r"\1.\2"),  # "2. 4 miles" -> "2.4 miles" (not "in 2019. 4 ...")
    (re.compile(r"(\d), (\d{3})(?!\d)"), r"\1,\2"),  # "$ 36, 000" -> "$ 36,000"
    (re.compile(r"([$€£¥]) (\d)"), r"\1\2"),  # "$ 36,000" -> "$36,000"
)


def untokenize(text: str) -> str:
    """Undo the number splitting of tokenised corpora (CNN/DM, XSum dumps), which
    would otherwise break sentences inside decimals and numbers into pieces."""
    for pattern, repl in _TOKENIZED:
        text = pattern.sub(repl, text)
    return text


_END = re.compile(r"[.!?…:;\"'”’»)\]]\s*$")


def _join(sentences: list[str]) -> str:
    """Consecutive sentences as one window; a unit without final punctuation (a
    headline) gets a full stop, so that it does not run into the next sentence."""
    return " ".join(t if i == len(sentences) - 1 or _END.search(t) else t + "." for i, t in enumerate(sentences))


def windows_of(n: int, width: int = WINDOW) -> list[tuple[int, int]]:
    """Every run of 1 to ``width`` consecutive sentences of an n-sentence text."""
    return [(i, i + k) for k in range(1, width + 1) for i in range(n - k + 1)]


def _prepare(sources: Sequence[str], facts: Sequence[Facts] | None = None) -> _Source:
    """A source ready for claims: its sentences, windows, word statistics and names.
    ``facts`` may pass the sentences' analysis when it is already done (compare)."""
    sources = [untokenize(s) for s in sources]
    sents = [t for src in sources for _, _, t in split_sentences(src)] or [" ".join(sources)]
    return prepare_sentences(sents, facts, sources)


def prepare_sentences(sents: list[str], facts: Sequence[Facts] | None = None,
                      sources: Sequence[str] | None = None) -> _Source:
    """_prepare for a text already split into sentences."""
    sources = list(sources) if sources is not None else [" ".join(sents)]
    sent_content = [set(content_words(t)) for t in sents]
    df: dict[str, int] = {}
    for c in sent_content:
        for w in c:
            df[w] = df.get(w, 0) + 1
    n = len(sents)
    idf = {w: math.log((n + 1) / (d + 0.5)) + 1.0 for w, d in df.items()}
    raw_words = [w for src in sources for w in _WORD.findall(src.lower())]
    facts = list(facts) if facts is not None else [analyze_sentence(t) for t in sents]
    windows = windows_of(len(sents))
    tokens = [_WORD.findall(t.lower()) for t in sents]
    return _Source(
        sentences=sents,
        windows=windows,
        texts=[_join(sents[a:b]) for a, b in windows],
        facts=facts,
        content=[set().union(*sent_content[a:b]) for a, b in windows],
        idf=idf,
        default_idf=math.log((n + 1) / 0.5) + 1.0,
        all_words=set().union(*sent_content) if sent_content else set(),
        bigrams=set(zip(raw_words, raw_words[1:], strict=False)),
        trigrams=set(zip(raw_words, raw_words[1:], raw_words[2:], strict=False)),
        tokens=[[w for i in range(a, b) for w in tokens[i]] for a, b in windows],
        names=NameIndex(list(sources)),
        quantities=[(q.unit, q.value) for f in facts for q in f.quantities],
        carried=Carried.of(facts),
        norm=" " + " ".join(raw_words) + " ",
        where=_postings(sent_content),
        cased=_casing(sents),
        span=np.array([b - a for a, b in windows], dtype=np.float64),
    )


_CASED = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def _casing(sentences: list[str]) -> dict[str, str]:
    """Words the source capitalises inside sentences and never writes in lower case."""
    upper: dict[str, str] = {}
    lower: set[str] = set()
    for sent in sentences:
        for k, m in enumerate(_CASED.finditer(sent)):
            w = m.group(0)
            if w[0].isupper():
                if k:
                    upper.setdefault(w.lower(), w)
            else:
                lower.add(w)
    return {k: v for k, v in upper.items() if k not in lower}


#: A dateline or agency tag at the head of a sentence: "(MENAFN) ", "WASHINGTON (Reuters) - ",
#: "LONDON, England (CNN) -- ". It says who filed the text, not what happened, and its
#: rare word would otherwise weigh as a missing fact.
_DATELINE = re.compile(r"^\s*(?:[A-Z][A-Z.'-]+(?:\s+[A-Z][A-Z.'-]+)*(?:,\s*[A-Z][A-Za-z.'-]*(?:\s+[A-Z][A-Za-z.'-]*)?)?\s*)?"  # noqa: E501 (a regular expression reads best unbroken)
                       r"\([A-Z][\w .&'-]{1,30}\)\s*(?:--|[-–—:])?\s*")


def _as_written(claim: str, src: _Source) -> str:
    """The claim untokenised, without a leading dateline, and, when it is all lower
    case (as many system summaries are), with the source's capitals put back on its
    names, so that name checks see them."""
    claim = untokenize(claim)
    claim = _DATELINE.sub("", claim, count=1) or claim
    if any(c.isupper() for c in claim):
        return claim
    claim = _CASED.sub(lambda m: src.cased.get(m.group(0), m.group(0)), claim)
    return claim[:1].upper() + claim[1:]


def _postings(content: list[set[str]]) -> dict[str, set[int]]:
    where: dict[str, set[int]] = {}
    for i, c in enumerate(content):
        for w in c:
            where.setdefault(w, set()).add(i)
    return where


PAIR_WORDS = 8  # the claim's rarest words whose pairings are checked: the who and what of a claim


def _pairings(lx: _Lex, src: _Source) -> tuple[float, float]:
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

    def texts(self, src: _Source) -> list[str]:
        return [self.claim] + [src.texts[i] for i in self.order] + [src.texts[i] for i in self.spans]


# compare scores each sentence against every other article: analyse it once, not once per article
@lru_cache(maxsize=8192)
def _analyzed(claim: str) -> Facts:
    return analyze_sentence(claim)


@lru_cache(maxsize=8192)
def _content_words(claim: str) -> list[str]:
    return content_words(claim)


def _lexical(claim: str, src: _Source) -> _Lex:
    claim = _as_written(claim, src)
    every = _content_words(claim)
    words = list(dict.fromkeys(every))
    weights = np.array([src.idf.get(w, src.default_idf) for w in words]) if words else np.zeros(0)
    total = float(weights.sum()) or 1.0
    present = np.array([w in src.all_words for w in words], dtype=bool)
    win_cov = np.array(
        [
            float(sum(wt for w, wt in zip(words, weights, strict=False) if w in c) / total) if words else 0.0
            for c in src.content
        ]
    )
    n = len(src.sentences)  # windows_of lists the single sentences first
    multi = win_cov[n:] - SPAN_COST * (src.span[n:] - 1)
    return _Lex(claim, words, 1.0 - len(words) / max(len(every), 1), weights, total, present, win_cov,
                np.argsort(-win_cov[:n])[:CANDIDATES], n + np.argsort(-multi, kind="stable")[:SPANS])


def claim_features(
    claim: str, src: _Source, states: dict[str, TokenStates] | None, tolerance: float = 0.02,
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
    raw = _WORD.findall(claim.lower())
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
        " " + " ".join(_WORD.findall(q.lower())) + " " not in src.norm for q in f.quotes if len(q.split()) >= 3
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
    names_best = sum(1 for n in f.names if " " + " ".join(_WORD.findall(n.lower())) + " " in win_norm) / max(
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
    items: Sequence[tuple[str, _Source]], embedder: EmbeddingBackend | None, tolerance: float = 0.02,
    cache: dict[str, TokenStates] | None = None,
) -> list[tuple[np.ndarray, Contradiction | None, int]]:
    """claim_features for many claims, with one model call for all their windows
    (none when ``embedder`` is None: the fast model's features).

    One length-sorted batch pads far less than one call per claim: the model is
    most of the cost of scoring a claim.
    """
    lexes = [_lexical(c, src) for c, src in items]
    if embedder is None:
        return [claim_features(c, src, None, tolerance, lex=lx) for (c, src), lx in zip(items, lexes, strict=False)]
    states = cache if cache is not None else {}
    encode([t for (_, src), lx in zip(items, lexes, strict=False) for t in lx.texts(src)], embedder, states)
    return [claim_features(c, src, states, tolerance, lex=lx) for (c, src), lx in zip(items, lexes, strict=False)]


STATES_KEPT = 4096  # encoder outputs kept across batches (~50 KB each, so ~200 MB at most): windows repeat
BATCH = 64  # claims scored together: big enough to batch the model, small enough for steady progress


class _Trees:
    """Boosted regression trees evaluated with numpy, so that running the model needs
    no scikit-learn. Node arrays per tree; a leaf has left == -1; go left when
    x[feature] <= threshold (scikit-learn's rule)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.init = float(spec["init"])
        self.trees = [
            tuple(np.array(t[k]) for k in ("feature", "threshold", "left", "right", "value")) for t in spec["trees"]
        ]
        self.depth = int(spec["max_depth"])

    def raw(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        rows = np.arange(len(X))
        out = np.full(len(X), self.init)
        for feature, threshold, left, right, value in self.trees:
            node = np.zeros(len(X), dtype=np.int64)
            for _ in range(self.depth):
                inner = left[node] >= 0
                go_left = X[rows, feature[node]] <= threshold[node]
                node = np.where(inner, np.where(go_left, left[node], right[node]), node)
            out += value[node]
        return out


class ClaimModel:
    """Logistic regression and boosted trees over FEATURES, mixed per claim by a gate
    on how extractive the claim is; loaded from the JSON that ``make train`` writes.
    The linear part carries abstractive claims (XSum); the trees catch the
    interactions that extractive ones (CNN/DM) need."""

    def __init__(self, spec: dict[str, Any]) -> None:
        unknown = set(spec["features"]) - set(FEATURES)
        if unknown:
            raise ValueError(
                f"claim model uses features this code lacks ({', '.join(sorted(unknown))}); run `make train`"
            )
        self.columns = [FEATURES.index(f) for f in spec["features"]]
        self.dense = any(f in DENSE for f in spec["features"])  # needs the encoder
        self.mean = np.array(spec["mean"])
        self.scale = np.array(spec["scale"])
        self.coef = np.array(spec["coef"])
        self.intercept = float(spec["intercept"])
        self.threshold = float(spec["threshold"])
        self.trees = _Trees(spec["boosted"]) if spec.get("boosted") else None
        self.gate = spec.get("gate")  # {"feature", "center", "slope"}: the linear part's weight per claim
        self.calibration = spec.get("calibration")  # {"features", "coef", "intercept"}: see calibrate()
        if self.calibration:
            missing = set(self.calibration["features"]) - set(FEATURES)
            if missing:
                raise ValueError(f"claim model calibrates on features this code lacks ({', '.join(sorted(missing))})")
        #: {"features", "nli", "coef", "intercept"}: the calibration that also reads the entailment
        #: model's probabilities (the default score when present); see probability_with()
        self.calibration_nli = spec.get("calibration_nli")
        #: the cascade: the entailment model runs only for claims whose claim-only score is
        #: within this distance of the threshold (elsewhere it could not change the verdict)
        self.nli_band = float(spec.get("nli_band", 1.0))
        self.spec = spec

    @classmethod
    def bundled(cls, fast: bool = False) -> ClaimModel:
        """The shipped model, or with ``fast`` the one without encoder features."""
        name = "claim_model_fast.json" if fast else "claim_model.json"
        path = resources.files("storycheck.verify") / "data" / name
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Probability of support for each row of FEATURES values (calibrated when the
        model carries a calibration step)."""
        x = np.atleast_2d(x)
        p = self.uncalibrated(x)
        return calibrate(p, x, self.calibration) if self.calibration else p

    def probability_with(self, x: np.ndarray, entailment: EntailmentBackend | None,
                         pairs: Callable[[np.ndarray], list[tuple[str, str]]]) -> np.ndarray:
        """The default score: the calibrated probability, and where the model carries an
        entailment calibration and it can change the verdict (the claim-only score within
        ``nli_band`` of the threshold), the calibration that also reads the entailment model's
        probabilities. ``pairs(rows)`` gives (best evidence window, claim) for those rows."""
        x = np.atleast_2d(x)
        p = self.probability(x)
        if entailment is None or not self.calibration_nli or not len(x):
            return p
        rows = np.flatnonzero(np.abs(p - self.threshold) <= self.nli_band)
        if len(rows):
            probs = entailment_probs(entailment, pairs(rows))
            p[rows] = calibrate(self.uncalibrated(x[rows]), x[rows], self.calibration_nli, probs)
        return p

    def uncalibrated(self, x: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(x)[:, self.columns]
        p = 1.0 / (1.0 + np.exp(-(((X - self.mean) / self.scale) @ self.coef + self.intercept)))
        if self.trees is None:
            return p
        return (w := self.linear_weight(X)) * p + (1 - w) / (1.0 + np.exp(-self.trees.raw(X)))

    def linear_weight(self, X: np.ndarray) -> np.ndarray:
        """How much the linear part counts for each claim: more for abstractive claims
        (few of their word trigrams are in the source), less for extractive ones."""
        g = self.gate
        if not g:
            return np.full(len(X), 1.0)
        col = X[:, list(self.spec["features"]).index(g["feature"])]
        return 1.0 / (1.0 + np.exp(-g["slope"] * (g["center"] - col)))


#: What tells one kind of text from another for the calibration step: how long the
#: source is, how long and how extractive the claim is.
KIND = ("src_len", "claim_len", "trigram_cov")


def calibration_inputs(p: np.ndarray, x: np.ndarray, kind: Sequence[str] = KIND) -> np.ndarray:
    """[z, z*k..., k...] with z the logit of the model's raw probability and k the
    kind-of-text features: the slope and the offset of the score may move with the
    kind of text, so that one threshold means the same on all of them."""
    z = np.log(np.clip(p, 1e-4, 1 - 1e-4) / np.clip(1 - p, 1e-4, 1 - 1e-4))
    k = np.atleast_2d(x)[:, [FEATURES.index(f) for f in kind]]
    return np.column_stack([z, z[:, None] * k, k])


def calibrate(p: np.ndarray, x: np.ndarray, spec: dict[str, Any], nli: np.ndarray | None = None) -> np.ndarray:
    """The calibrated probability: a logistic regression over calibration_inputs, fit
    on out-of-fold scores of the pooled dev sets with each set's classes balanced.
    A spec with ``nli`` inputs also reads the entailment model's (n, 3) probabilities
    (entails, neutral, contradicts) of the claim against its best evidence window."""
    c = calibration_inputs(p, x, spec["features"])
    if spec.get("nli"):
        if nli is None:
            raise ValueError("this calibration needs the entailment model's probabilities")
        c = np.column_stack([c, nli_inputs(nli, x, spec["nli"])])
    return 1.0 / (1.0 + np.exp(-(c @ np.array(spec["coef"]) + float(spec["intercept"]))))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def nli_inputs(nli: np.ndarray, x: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Columns of the entailment probabilities for the calibration step: ``entail`` and
    ``contradict`` are the logits of P(entails) and P(contradicts); ``entail*F`` is the
    first times the claim feature F (its weight may move with the kind of text)."""
    nli = np.atleast_2d(nli)
    base = {"entail": _logit(nli[:, 0]), "contradict": _logit(nli[:, 2])}
    cols = []
    for name in names:
        head, _, feat = name.partition("*")
        col = base[head]
        cols.append(col * np.atleast_2d(x)[:, FEATURES.index(feat)] if feat else col)
    return np.column_stack(cols)


@one_blas_thread
def score_claims(
    records: Iterable[dict[str, Any]],
    *,
    embedder: EmbeddingBackend | None = None,
    model: ClaimModel | None = None,
    threshold: float | None = None,
    progress: Callable[[int], None] | None = None,
    entailment: EntailmentBackend | None = None,
    fast: bool = False,
) -> list[dict[str, Any]]:
    """Score each ``{"id", "claim", "source" | "sources"}`` record.

    ``fast`` uses the model without encoder features (docs/claim_model.md gives
    what it costs in accuracy and gains in speed).

    Returns ``{"id", "score", "verdict"}`` per record, in order; ``score`` is the
    probability that the sources support the claim. A contradicted verdict carries
    ``contradiction`` with its type and spans.

    With an ``entailment`` backend (or one named by the environment, see
    ``_entail``), the score is the mean of the learned model's probability and the
    backend's entailment probability for the best evidence window.
    """
    mdl = model or ClaimModel.bundled(fast=fast)
    # a backend the caller or the environment names is mixed in as before (the mean); the bundled
    # entailment model enters through the model's own entailment calibration (the default score)
    nli = entailment if entailment is not None else entailment_from_env()
    own = None
    if mdl.calibration_nli and (nli is None or is_bundled(nli)):
        own, nli = (nli or default_entailment()), None
    emb = (embedder or default_backend()) if mdl.dense else None
    states: dict[str, TokenStates] = {}  # encoder output per text: sources repeat across claims
    cut = mdl.threshold if threshold is None else threshold
    prepared: dict[tuple[str, ...], _Source] = {}
    out: list[dict[str, Any]] = []
    records = list(records)
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        items = []
        for rec in chunk:
            key = tuple(rec.get("sources") or [rec["source"]])
            if key not in prepared:
                if len(prepared) > 4 * BATCH:
                    prepared.clear()
                    states.clear()
                prepared[key] = _prepare(list(key))
            items.append((rec["claim"], prepared[key]))
        if len(states) > STATES_KEPT:  # claims rarely repeat; keep memory flat on long inputs
            states.clear()
        rows = features_batch(items, emb, cache=states)
        second = (
            nli.entail([evidence_pair(c, src, best) for (c, src), (_, _, best) in zip(items, rows, strict=False)])
            if nli is not None
            else None
        )
        def evidence(idx: np.ndarray, items: list[tuple[str, _Source]] = items,
                     rows: list[tuple[np.ndarray, Contradiction | None, int]] = rows) -> list[tuple[str, str]]:
            return [evidence_pair(items[i][0], items[i][1], rows[i][2]) for i in idx]

        probs = mdl.probability_with(np.stack([x for x, _, _ in rows]), own, evidence)
        for k, (rec, (_, hit, _)) in enumerate(zip(chunk, rows, strict=False)):
            p = float(probs[k])
            if second is not None:
                p = NLI_WEIGHT * float(second[k]) + (1 - NLI_WEIGHT) * p
            out.append(_verdict(rec, p, hit, cut))
        if progress:
            progress(len(chunk))
    return out


def evidence_pair(claim: str, src: _Source, best: int) -> tuple[str, str]:
    """What the entailment model reads: the best evidence window, and the claim as matched."""
    return (src.texts[best] if src.texts else "", _as_written(claim, src))


#: Share of an entailment backend in the score: even, since no licensed model could be
#: measured here to say otherwise (docs/claim_model.md).
NLI_WEIGHT = 0.5


def _verdict(rec: dict[str, Any], p: float, hit: Contradiction | None, cut: float) -> dict[str, Any]:
    if hit is not None:
        p = min(p, 0.1)  # a typed mismatch outweighs any similarity
    verdict = "supported" if p >= cut else ("contradicted" if hit is not None else "unsupported")
    row: dict[str, Any] = {"id": rec.get("id"), "score": round(p, 4), "verdict": verdict}
    if verdict == "contradicted" and hit is not None:
        row["contradiction"] = {"type": hit.type, "claim_span": hit.claim_span, "evidence_span": hit.evidence_span}
    return row


def read_claims(
    path: Any, *, skip_bad: bool = False, warn: Callable[[str], None] | None = None, options: Any = None
) -> list[dict[str, Any]]:
    """Read score-claims input; a bad line raises MalformedInput naming it, or is skipped.
    ``options``: an ingest.ReadOptions (encoding, file limit, where warnings go)."""
    from .._exceptions import MalformedInput
    from ..ingest import ReadOptions
    from ..ingest._readers import _decode, _read_bytes
    from ..ingest._records import json_lines

    opts = options or ReadOptions()
    text = _decode(_read_bytes(Path(path), opts.max_file_bytes), str(path), opts)
    out = []
    for n, rec, problem in json_lines(text):
        problem = problem or _claim_problem(rec)
        if problem:
            msg = f"line {n}: {problem}"
            if not skip_bad:
                raise MalformedInput(msg, source=str(path))
            if warn:
                warn(f"{path}: {msg}")
            continue
        out.append(rec)
    if not out:
        from .._exceptions import EmptyInput

        raise EmptyInput("no claims to score", source=str(path))
    return out


def _claim_problem(rec: Any) -> str | None:
    if not isinstance(rec, dict):
        return "expected a JSON object"
    if not isinstance(rec.get("claim"), str) or not rec["claim"].strip():
        return "missing or empty 'claim'"
    src = rec.get("sources", rec.get("source"))
    if isinstance(src, str):
        return None if src.strip() else "empty 'source'"
    if isinstance(src, list) and src and all(isinstance(s, str) for s in src):
        return None
    return "needs 'source' (a text) or 'sources' (a list of texts)"
