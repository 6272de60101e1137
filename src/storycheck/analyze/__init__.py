"""Find what is checkable in a sentence: quantities, dates, names, quotes, negation,
subjective cues and content words. Pure regex and word lists, so it is fast and
has no model to load; the lexicons are our own (MIT, see LEXICONS.md).
"""

from ._ages import Age, ages
from ._attribution import (
    KNOWN_OUTLETS,
    SPEECH_VERBS,
    Attribution,
    Layer,
    QuoteSpan,
    added_layers,
    attribute,
    escalating,
    filed_by,
    find_quotes,
    has_layer,
)
from ._durations import Duration, durations
from ._facts import analyze_sentence, content_words, stem
from ._languages import hedges, loaded, source_article
from ._lexicon import STOPWORDS, SUBJECTIVE
from ._reldates import dates_conflict, publication_days, resolve_dates, weekday_mismatch

__all__ = [
    "Age",
    "Duration",
    "KNOWN_OUTLETS",
    "SPEECH_VERBS",
    "Attribution",
    "Layer",
    "QuoteSpan",
    "added_layers",
    "ages",
    "durations",
    "attribute",
    "escalating",
    "filed_by",
    "find_quotes",
    "has_layer",
    "hedges",
    "loaded",
    "source_article",
    "analyze_sentence", "dates_conflict", "publication_days", "resolve_dates", "weekday_mismatch",
    "content_words", "stem", "STOPWORDS", "SUBJECTIVE"]
