"""The language of an article or a sentence: lingua-language-detector (Apache-2.0),
restricted to the languages storycheck reads, in its low-accuracy mode (n-grams up to
trigrams, ~1 ms a sentence here, plenty for news paragraphs)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: What we read: English, the languages with a lexicon (lang/data), nothing else.
LANGUAGES = ("en", "ru", "uk", "de", "fr", "hu", "es", "it", "pt")
#: Characters of an article detection reads: a few paragraphs decide, more only costs.
SAMPLE_CHARS = 1500
#: A sentence is given a language of its own only when lingua is this sure and the
#: sentence has this many letters: short lines and names mislead any detector.
SENTENCE_CONFIDENCE = 0.9
SENTENCE_MIN_LETTERS = 40

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_RUSSIAN = re.compile(r"[ыэъёЫЭЪЁ]")


@lru_cache(maxsize=1)
def _detector() -> Any:
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:  # pragma: no cover - a hard dependency; the script rule below still answers
        return None
    langs = [Language.ENGLISH, Language.RUSSIAN, Language.UKRAINIAN, Language.GERMAN, Language.FRENCH,
             Language.HUNGARIAN, Language.SPANISH, Language.ITALIAN, Language.PORTUGUESE]
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def script(text: str) -> str:
    """'cyrillic', 'latin' or '' for the letters most of ``text`` is written in."""
    c, lat = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    return "" if not (c or lat) else "cyrillic" if c > lat else "latin"


def _cyrillic_guess(text: str) -> str:
    """Russian or Ukrainian by the letters only one of them has, when lingua is absent."""
    return "uk" if len(_UKRAINIAN.findall(text)) > len(_RUSSIAN.findall(text)) else "ru"


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
#: Function words that only English uses among our languages, and those of the others.
_ENGLISH_WORDS = re.compile(r"\b(?:the|and|of|to|is|was|that|with|for|from|said)\b", re.IGNORECASE)
_OTHER_WORDS = re.compile(r"\b(?:der|die|das|und|nicht|ist|le|la|les|et|est|des|une|az|és|hogy|nem|egy|el|los|las|del|"
                          r"por|para|il|della|degli|che|di|non|os|uma|não|em|pelo)\b",
                          re.IGNORECASE)
#: English function words an article must hold, and how many times more than the others', to be
#: called English without lingua (a few accented names in English prose: "José", "Zürich").
ENGLISH_WORDS_MIN = 8
ENGLISH_WORDS_RATIO = 4


def _ascii_letters(text: str) -> bool:
    """Whether every letter is ASCII (curly quotes and dashes are not letters)."""
    return text.isascii() or not any(c.isalpha() for c in _NON_ASCII.findall(text))


#: Function words of the other languages an all-ASCII text must hold before it may be other than English:
#: a headline's "Los Angeles" or "El Clasico" makes no Spanish.
OTHER_WORDS_MIN = 3


def _few_other_words(text: str) -> bool:
    """Whether the other languages' function words are rare beside English ones (Spanish, Italian and
    Portuguese news may run for lines without an accent)."""
    other = len(_OTHER_WORDS.findall(text))
    return other < OTHER_WORDS_MIN or other * ENGLISH_WORDS_RATIO <= len(_ENGLISH_WORDS.findall(text))


def _plainly_english(text: str) -> bool:
    if script(text) != "latin":
        return False
    en = len(_ENGLISH_WORDS.findall(text))
    return en >= ENGLISH_WORDS_MIN and en >= ENGLISH_WORDS_RATIO * len(_OTHER_WORDS.findall(text))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language of ``text`` among LANGUAGES, None when nothing tells."""
    sample = text[:SAMPLE_CHARS]
    sc = script(sample)
    if not sc:
        return None
    if _plainly_english(sample) or _ascii_letters(sample) and _few_other_words(sample):
        return "en"  # French, German and Hungarian news use their accents within a line or two, and every
        # language we read its own function words: this costs no accuracy and keeps English work at full speed
    det = _detector()
    if det is None:
        return _cyrillic_guess(sample) if sc == "cyrillic" else "en"
    found = det.detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else None


def article_language(title: str | None, text: str) -> str | None:
    """An article's language, from its title and text: what is stored with it and never detected again."""
    return detect_language(((title or "") + "\n" + text).strip())


def sentence_language(text: str, article_language: str | None) -> str | None:
    """The sentence's language when it surely differs from its article's, else None."""
    if article_language is None:
        return None
    sc = script(text)
    own = "cyrillic" if article_language in ("ru", "uk") else "latin"
    if not sc or sc == own and sum(ch.isalpha() for ch in text) < SENTENCE_MIN_LETTERS:
        return None
    if sc == own and article_language == "en" and _ascii_letters(text):
        return None  # an English article's ASCII sentence: English
    det = _detector()
    if det is None:
        return (_cyrillic_guess(text) if sc == "cyrillic" else None) if sc != own else None
    values = det.compute_language_confidence_values(text)
    if not values:
        return None
    top = values[0]
    code = top.language.iso_code_639_1.name.lower()
    if code != article_language and (sc != own or top.value >= SENTENCE_CONFIDENCE):
        return code
    return None
