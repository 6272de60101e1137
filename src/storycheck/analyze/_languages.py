"""Sourcing, hedges and loaded words in the article's language: English by the rules of
_attribution, the other languages we read by their lexicons (_intl)."""

from __future__ import annotations

from ..lang import lexicon
from ._attribution import Sourcing
from ._attribution import hedges as english_hedges
from ._attribution import loaded as english_loaded
from ._attribution import source_article as english_sources
from ._intl import hedges as intl_hedges
from ._intl import loaded as intl_loaded
from ._intl import source_article as intl_sources


def source_article(sentences: list[str], *, outlets: frozenset[str] = frozenset(),
                   language: str | None = None) -> list[Sourcing]:
    """Sourcing of every sentence of one article (``language``: ISO 639-1; None is English)."""
    lex = lexicon(language or "en")
    return english_sources(sentences, outlets=outlets) if lex is None else intl_sources(
        sentences, lex, outlets)


def hedges(text: str, language: str | None = None) -> list[str]:
    lex = lexicon(language or "en")
    return english_hedges(text) if lex is None else intl_hedges(text, lex)


def loaded(text: str, language: str | None = None) -> list[str]:
    lex = lexicon(language or "en")
    return english_loaded(text) if lex is None else intl_loaded(text, lex)
