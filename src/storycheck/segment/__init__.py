"""Sentence segmentation with character offsets into the stored text.

Rule-based and fast (no model): news prose is regular enough that a boundary
rule plus an abbreviation list, quote tracking and line repair beat a general
splitter on the cases that matter here (see tests/test_segment.py).
"""

from ._furniture import content_sentences, drop_furniture, is_furniture
from ._split import sentence_spans, split_sentences

__all__ = ["content_sentences", "drop_furniture", "is_furniture", "split_sentences", "sentence_spans"]
