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
    #: Support probability at or above which a sentence is `supported`. 0.5 is the
    #: natural cut of a probability; issue #3's evaluation picks the learned model's cut.
    support_threshold: float = 0.5
    #: An evidence sentence must be at least this related (retrieval score) before a
    #: number/date/negation mismatch with it counts as a contradiction: unrelated
    #: sentences that happen to carry other numbers prove nothing.
    related_threshold: float = 0.45
    #: Relative difference under which two quantities are the same (rounding: 4.9 ~ 5).
    number_tolerance: float = 0.02
    #: Sentences embedded per model call.
    batch_size: int = 32

    @classmethod
    def documented(cls) -> dict[str, str]:
        """Each setting's name and default, for the docs test."""
        return {f.name: repr(f.default) for f in fields(cls)}
