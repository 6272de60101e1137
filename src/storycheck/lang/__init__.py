"""Languages: which one a text is in, each language's word lists, and names across scripts.

A leaf of the pipeline (it imports no stage), used by segment, analyze, group and verify.
English keeps its own lists in analyze/_lexicon.py and its own code paths; the
others (ru, uk, de, fr, hu) read their lists from lang/data (our own, LEXICONS.md).
"""

from ._detect import LANGUAGES, article_language, detect_language, script, sentence_language
from ._lexicon import LEXICON_LANGUAGES, Lexicon, all_abbreviations, all_months, lexicon, phrases
from ._names import is_cyrillic, latin_name, skeleton, transliterate

__all__ = [
    "LANGUAGES", "LEXICON_LANGUAGES", "Lexicon", "all_abbreviations", "article_language",
    "all_months", "detect_language", "is_cyrillic",
    "latin_name", "lexicon", "phrases", "script", "sentence_language", "skeleton", "transliterate",
]
