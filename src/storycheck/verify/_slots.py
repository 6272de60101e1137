"""Slots read across whole articles, not only between the related sentences the claim model pairs.

Some facts are one slot of a story whichever sentence holds them, and the sentences that hold
them in two articles often share too few words to be paired: the time and the day each lead
gives its event, the age of one person, how long after one event something happened, one day's
weekday, a person both articles list by name and age. ``StorySlots`` reads them once per
article (verify/_align.py compares them) and turns another article's stance on a sentence into
a contradiction when one conflicts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal

from .._types import Article, Contradiction, Evidence, Link, Sentence
from ..analyze import ages, durations
from ._align import (
    age_conflict,
    age_name_swap,
    duration_conflict,
    lead_conflict,
    lead_day,
    lead_day_conflict,
    lead_time,
    weekday_day_conflict,
)

Kind = Literal["number", "date", "time", "entity"]


class StorySlots:
    """The slots of every article of a story (``units``: each article's headline, then sentences)."""

    def __init__(self, articles: Sequence[Article], units: list[list[Sentence]]) -> None:
        self.articles, self.units = articles, units
        self.leads = [lead_time([u.text for u in us]) for us in units]  # the time each lead gives its event
        self.days = [lead_day([u.facts.dates if u.facts else [] for u in us], [u.text for u in us]) for us in units]
        self.ages = [[ages(u.text) for u in us] for us in units]
        self.durations = [[durations(u.text) for u in us] for us in units]
        self.dated = [[[d for d in u.facts.dates if d.weekday is not None and d.month and d.day] if u.facts else []
                       for u in us] for us in units]

    def holds(self, ai: int, i: int) -> bool:
        """Whether unit ``i`` of article ``ai`` holds any slot read here."""
        return bool(self.ages[ai][i] or self.durations[ai][i] or self.dated[ai][i]) or any(
            x is not None and x[0] == i for x in (self.leads[ai], self.days[ai]))

    def conflict(self, ai: int, i: int, bi: int) -> tuple[Contradiction, Sentence] | None:
        """The first slot of unit ``i`` of article ``ai`` that article ``bi`` gives otherwise, and
        the sentence of ``bi`` that does."""
        other, theirs = self.articles[bi], self.units[bi]

        def hit(kind: Kind, mine: str, its: str, k: int) -> tuple[Contradiction, Sentence]:
            return Contradiction(kind, mine, its, other.id, theirs[k].index), theirs[k]

        lead, their_lead = self.leads[ai], self.leads[bi]
        if lead is not None and lead[0] == i and their_lead is not None and (tc := lead_conflict(lead, their_lead)):
            return hit("time", tc[0], tc[1], their_lead[0])
        day, their_day = self.days[ai], self.days[bi]
        if day is not None and day[0] == i and their_day is not None and (
                dd := lead_day_conflict(day, their_day, (self.articles[ai].published, other.published))):
            return hit("date", dd[0].text, dd[1].text, their_day[0])
        if self.ages[ai][i] and (ac := age_conflict(self.ages[ai][i], self.ages[bi])):
            return hit("number", ac[0].text, ac[1].text, ac[2])
        if self.dated[ai][i] and (wc := weekday_day_conflict(self.dated[ai][i], self.dated[bi])):
            return hit("date", wc[0].text, wc[1].text, wc[2])
        if self.durations[ai][i] and (dc := duration_conflict(self.durations[ai][i], self.durations[bi])):
            return hit("number", dc[0].text, dc[1].text, dc[2])
        if self.ages[ai][i] and (sw := age_name_swap(self.ages[ai][i], self.ages[ai], self.ages[bi],
                                                     self.articles[ai].text, other.text)):
            return hit("entity", sw[0].name or "", sw[1].name or "", sw[2])
        return None

    def stance(self, ln: Link, ai: int, i: int, bi: int) -> Link:
        """Article ``bi``'s stance ``ln`` on unit ``i`` of article ``ai``, turned to a contradiction
        when a slot conflicts; a contradiction found otherwise stays as it is."""
        if ln.stance == "contradicts" or (found := self.conflict(ai, i, bi)) is None:
            return ln
        c, ev = found
        return dataclasses.replace(ln, sentence=ev.index, stance="contradicts", contradiction=c,
                                   evidence=Evidence(c.article, ev.index, ev.text, ln.score))
