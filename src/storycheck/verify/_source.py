"""A source text made ready for claims: its sentences, the windows of 1 to WINDOW
consecutive sentences a claim is matched against, their word statistics, names
and typed facts. Built once per source and shared by every claim checked
against it (score-claims, compare, story)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .._types import Facts
from ..analyze import analyze_sentence, content_words
from ..segment import split_sentences
from ._names import NameIndex
from ._typed import Carried

#: Evidence windows are 1 to WINDOW consecutive sentences, so that a claim a rewrite
#: spreads over two or three sentences is found whole.
WINDOW = 3
WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Source:
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
    _holding: dict[str, np.ndarray] | None = field(default=None, repr=False, compare=False)

    def sentences_of(self, window: int) -> range:
        return range(*self.windows[window])

    def windows_holding(self) -> dict[str, np.ndarray]:
        """Content word -> the windows whose content holds it (built on first use, then kept):
        a claim's coverage of every window is then a sum over its words, not over the windows."""
        if self._holding is None:
            self._holding = {w: np.array(sorted(ix), dtype=np.int64) for w, ix in _postings(self.content).items()}
        return self._holding


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


def prepare_texts(sources: Sequence[str], facts: Sequence[Facts] | None = None) -> Source:
    """A source ready for claims: its sentences, windows, word statistics and names.
    ``facts`` may pass the sentences' analysis when it is already done (compare)."""
    sources = [untokenize(s) for s in sources]
    sents = [t for src in sources for _, _, t in split_sentences(src)] or [" ".join(sources)]
    return prepare_sentences(sents, facts, sources)


def prepare_sentences(sents: list[str], facts: Sequence[Facts] | None = None,
                      sources: Sequence[str] | None = None) -> Source:
    """prepare_texts for a text already split into sentences."""
    sources = list(sources) if sources is not None else [" ".join(sents)]
    sent_content = [set(content_words(t)) for t in sents]
    df: dict[str, int] = {}
    for c in sent_content:
        for w in c:
            df[w] = df.get(w, 0) + 1
    n = len(sents)
    idf = {w: math.log((n + 1) / (d + 0.5)) + 1.0 for w, d in df.items()}
    raw_words = [w for src in sources for w in WORD.findall(src.lower())]
    facts = list(facts) if facts is not None else [analyze_sentence(t) for t in sents]
    windows = windows_of(len(sents))
    tokens = [WORD.findall(t.lower()) for t in sents]
    return Source(
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


def as_written(claim: str, src: Source) -> str:
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

def evidence_pair(claim: str, src: Source, best: int) -> tuple[str, str]:
    """What the entailment model reads: the best evidence window, and the claim as matched."""
    return (src.texts[best] if src.texts else "", as_written(claim, src))

