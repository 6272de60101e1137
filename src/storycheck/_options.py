"""One options object for the whole pipeline; every default says why it is what it is."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Options:
    #: Evidence sentences kept per sentence: three show a reader the context without
    #: burying the best match.
    top_k: int = 3
    #: Weight of the dense cosine against lexical coverage when ranking evidence.
    #: Dense similarity finds paraphrases; coverage keeps exact entity/number matches on top.
    dense_weight: float = 0.6
    #: Support probability at or above which another article carries a sentence. The
    #: claim model is calibrated (pooled dev sets, each set's classes balanced) so that
    #: 0.5 is the balanced cut on every kind of text.
    support_threshold: float = 0.5
    #: An evidence sentence must be at least this related (retrieval score) before a
    #: number/date/negation mismatch with it counts as a contradiction: unrelated
    #: sentences that happen to carry other numbers prove nothing.
    related_threshold: float = 0.45
    #: A sentence is scored against another article only when one of that article's
    #: sentences is at least this related (retrieval score); below it the article is
    #: silent on the sentence, unscored (score 0). Measured on ECB+ dev topics 19 and 30
    #: (997 sentences): against scoring every pair it changed 2 verdicts and saved 31 % of
    #: the time; 0.4 would change 3 % of verdicts.
    min_related: float = 0.3
    #: Relative difference under which two quantities are the same (rounding: 4.9 ~ 5).
    number_tolerance: float = 0.02
    #: Sentences embedded per model call.
    batch_size: int = 32

    @classmethod
    def documented(cls) -> dict[str, str]:
        """Each setting's name and default, for the docs test."""
        return {f.name: repr(f.default) for f in fields(cls)}
