"""The objects that flow through the stages: ingest fills an Article, segment adds
Sentences, analyze adds Facts, verify adds verdicts and Evidence.

Stages attach their results to these objects (as spaCy attaches to a Doc) rather
than keeping parallel structures, so a report only ever needs the articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Verdict = Literal["supported", "contradicted", "unsupported", "opinion"]
VERDICTS: tuple[Verdict, ...] = ("supported", "contradicted", "unsupported", "opinion")


@dataclass(frozen=True)
class Quantity:
    """A number as written, its value with scale applied, and what it counts."""

    text: str
    value: float
    unit: str  # "page", "$", "%", "year", "" when nothing follows
    start: int  # offsets inside the sentence text
    end: int
    approx: bool = False  # "more than 100", "about 5": a bound or a round figure, not an exact count
    part: bool = False  # "two of the (four) injured": a part of a whole, never compared with a whole's count


@dataclass(frozen=True)
class DateMention:
    text: str
    month: int | None
    day: int | None
    year: int | None
    weekday: int | None  # 0 = Monday
    start: int
    end: int
    #: the first and last calendar day it can name, read against the article's publication
    #: date (analyze/_reldates.py); None when that date is unknown or the mention names no day
    resolved: tuple[date, date] | None = None


@dataclass
class Facts:
    """What analyze finds checkable in one sentence."""

    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # capitalised name phrases
    quotes: list[str] = field(default_factory=list)
    negated: bool = False
    subjective: list[str] = field(default_factory=list)  # evaluative / speculative cues
    content: frozenset[str] = frozenset()  # stemmed content words
    #: "yesterday", "on Tuesday"'s kin "last week", "earlier this month": when, read against the
    #: publication date (``resolved``); not a checkable claim of their own, so not in ``dates``
    relative_dates: list[DateMention] = field(default_factory=list)

    @property
    def checkable(self) -> bool:
        return bool(self.quantities or self.dates or self.names or self.quotes)


@dataclass(frozen=True)
class Evidence:
    article: str
    sentence: int  # the first sentence of the evidence window
    text: str
    score: float
    sentences: tuple[int, ...] = ()  # every sentence of the window (1 to 3, consecutive); () = just `sentence`


@dataclass(frozen=True)
class Contradiction:
    type: Literal["number", "date", "time", "entity", "negation", "quote", "attribution", "claim"]
    claim_span: str
    evidence_span: str
    article: str
    sentence: int


@dataclass(frozen=True)
class Uncarried:
    """A part of a carried sentence that no carrier gives: an added source (``source``), a
    quote (``quote``), or a figure (``number``) or full name (``name``) no other article states."""

    kind: Literal["source", "quote", "number", "name"]
    text: str


@dataclass(frozen=True)
class PossibleConflict:
    """A sentence of another article that the entailment model reads as contradicting this one,
    but not surely enough for ``contradicted_by`` (verify/_untyped.py)."""

    article: str
    sentence: int
    probability: float  # P(contradicts), the mean of the two reading directions
    text: str


@dataclass(frozen=True)
class Link:
    """One other article's stance on a sentence, through its closest sentence."""

    article: str
    sentence: int  # index of the closest sentence in that article
    score: float  # support probability
    stance: Literal["carries", "contradicts", "silent"]
    contradiction: Contradiction | None = None
    cos: float = 0.0  # closest dense cosine, to pick the strongest contradiction
    evidence: Evidence | None = None  # the closest sentence (the contradicting one when there is one)


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str
    facts: Facts | None = None
    verdict: Verdict | None = None
    score: float | None = None
    evidence: list[Evidence] = field(default_factory=list)
    contradiction: Contradiction | None = None
    features: Any = None  # verify's SupportFeatures, for explanations and training
    attribution: Any = None  # analyze's Attribution: who the sentence credits
    quotes: list[Any] = field(default_factory=list)  # analyze's QuoteSpan, with status set by verify
    hedges: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)
    supported_by: list[str] = field(default_factory=list)  # ids of articles that carry it
    contradicted_by: list[str] = field(default_factory=list)  # ids of articles that say otherwise
    links: list[Link] = field(default_factory=list)  # every other article's stance
    vector: Any = None  # the sentence embedding verify used (numpy float32)
    independent_sources: int | None = None  # copy families other than its own that carry it
    only_in_copies: bool = False  # carried, but only by copies of its own article
    uncarried: list[Uncarried] = field(default_factory=list)  # what of a carried sentence no carrier gives
    possible_conflicts: list[PossibleConflict] = field(default_factory=list)  # less certain untyped conflicts
    language: str | None = None  # ISO 639-1, only where the sentence's language differs from its article's


@dataclass
class BodySupport:
    """Whether an article's own body carries its headline: a headline its body does not
    carry is clickbait."""

    verdict: Verdict  # supported, unsupported or contradicted
    score: float
    evidence: list[Evidence] = field(default_factory=list)
    contradiction: Contradiction | None = None


@dataclass
class Article:
    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    path: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    sentences: list[Sentence] = field(default_factory=list)
    headline: Sentence | None = None  # the title checked as a claim against the others (index -1)
    headline_support: BodySupport | None = None  # the title against the article's own body
    language: str | None = None  # ISO 639-1 (en, ru, uk, de, fr, hu), detected at segmenting; None = not known
