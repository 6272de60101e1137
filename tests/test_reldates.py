"""Relative dates read against the publication date (issue 23, pattern 7): "on Tuesday",
"yesterday", "last week", "earlier this month" in English, Russian, Ukrainian and German.
Our own sentences."""

from datetime import date

from storycheck._pipeline import segment_article
from storycheck._types import Article, DateMention
from storycheck.analyze import analyze_sentence, dates_conflict, publication_days, resolve_dates, weekday_mismatch

SATURDAY = "2025-12-06T10:00:00+01:00"  # Saturday 6 December 2025, in the outlet's own zone


def _facts(text: str, language: str | None = None, published: str | None = SATURDAY):
    f = analyze_sentence(text, language)
    resolve_dates(f, text, language, published)
    return f


def _day(d: date) -> tuple[date, date]:
    return d, d


def test_the_publication_day_is_exact_in_the_outlets_zone_and_widened_without_one():
    assert publication_days(SATURDAY) == _day(date(2025, 12, 6))
    assert publication_days("2025-12-06") == _day(date(2025, 12, 6))
    assert publication_days("2025-12-06T23:30:00Z") == (date(2025, 12, 5), date(2025, 12, 7))
    assert publication_days(None) is None and publication_days("last week") is None


def test_on_tuesday_in_a_saturday_article_is_the_tuesday_before():
    f = _facts("The minister visited the harbour on Tuesday.")
    assert [d.resolved for d in f.dates] == [_day(date(2025, 12, 2))]


def test_a_weekday_in_a_sentence_about_the_future_is_the_next_one():
    f = _facts("The council will vote on Tuesday.")
    assert [d.resolved for d in f.dates] == [_day(date(2025, 12, 9))]


def test_a_consistent_weekday_agrees_with_the_date_and_an_inconsistent_one_does_not():
    tuesday = _facts("The minister visited the harbour on Tuesday.").dates[0]
    second = _facts("The minister visited the harbour on December 2.").dates[0]
    third = _facts("The minister visited the harbour on December 3.").dates[0]
    assert dates_conflict(tuesday, second) is False
    assert dates_conflict(tuesday, third) is True


def test_a_date_with_the_wrong_weekday_is_flagged_by_itself():
    assert weekday_mismatch(_facts("It opened on Wednesday, December 3, 2025.").dates[0]) is False
    assert weekday_mismatch(_facts("It opened on Tuesday, December 3, 2025.").dates[0]) is True


def test_relative_words_in_four_languages():
    cases = [
        ("Rescuers reached the village yesterday.", "en", _day(date(2025, 12, 5))),
        ("Спасатели добрались до села вчера.", "ru", _day(date(2025, 12, 5))),
        ("Рятувальники дісталися села вчора.", "uk", _day(date(2025, 12, 5))),
        ("Die Retter erreichten das Dorf gestern.", "de", _day(date(2025, 12, 5))),
        ("Позавчера мост закрыли.", "ru", _day(date(2025, 12, 4))),
        ("The bridge was closed last week.", "en", (date(2025, 11, 24), date(2025, 11, 30))),
        ("Мост закрыли на прошлой неделе.", "ru", (date(2025, 11, 24), date(2025, 11, 30))),
        ("Міст закрили минулого тижня.", "uk", (date(2025, 11, 24), date(2025, 11, 30))),
        ("Die Brücke wurde in der vergangenen Woche gesperrt.", "de", (date(2025, 11, 24), date(2025, 11, 30))),
        ("The fund was set up earlier this month.", "en", (date(2025, 12, 1), date(2025, 12, 6))),
        ("Фонд создан в начале месяца.", "ru", (date(2025, 12, 1), date(2025, 12, 6))),
        ("Der Fonds wurde Anfang des Monats gegründet.", "de", (date(2025, 12, 1), date(2025, 12, 6))),
        ("Prices fell last month.", "en", (date(2025, 11, 1), date(2025, 11, 30))),
    ]
    for text, lang, want in cases:
        got = [d.resolved for d in _facts(text, lang).relative_dates]
        assert got == [want], (text, got)


def test_relative_words_are_not_checkable_claims_and_yesterday_is_not_the_day_before_yesterday():
    f = _facts("Позавчера мост закрыли.", "ru")
    assert len(f.relative_dates) == 1 and f.dates == []
    f = _facts("and then the crews arrived yesterday.")
    assert f.relative_dates and not f.checkable  # reading when does not make a claim checkable


def test_yesterday_and_a_date_that_is_not_yesterday_conflict():
    yesterday = _facts("Rescuers reached the village yesterday.").relative_dates[0]
    fifth = _facts("Rescuers reached the village on December 5.").dates[0]
    fourth = _facts("Rescuers reached the village on December 4.").dates[0]
    assert dates_conflict(yesterday, fifth) is False and dates_conflict(yesterday, fourth) is True


def test_nothing_is_resolved_without_a_publication_date():
    f = _facts("The minister visited the harbour on Tuesday, yesterday.", published=None)
    assert f.relative_dates == [] and all(d.resolved is None for d in f.dates)
    assert dates_conflict(DateMention("x", None, None, None, 1, 0, 1), DateMention("y", 12, 3, None, None, 0, 1)) is None


def test_segmenting_an_article_resolves_its_dates():
    text = "Talks broke down on Tuesday. Both sides left yesterday."
    a = segment_article(Article(id="a", published=SATURDAY, text=text))
    assert a.sentences[0].facts.dates[0].resolved == _day(date(2025, 12, 2))
    assert a.sentences[1].facts.relative_dates[0].resolved == _day(date(2025, 12, 5))


# -- the date contradiction decision (verify/_typed.py, verify/_align.py) ---------------------------

THURSDAY = "2025-06-12T09:00:00+02:00"  # Thursday 12 June 2025, in the outlet's own zone


def _dated(text: str, language: str = "en", published: str | None = THURSDAY) -> list[DateMention]:
    return _facts(text, language, published).dates


def _conflict(a: str, b: str, language: str = "en", published: str | None = THURSDAY) -> tuple[str, str] | None:
    from storycheck.verify._typed import _date_conflict

    hit = _date_conflict(_dated(a, language, published), _dated(b, language, published), None)
    return (hit[0].text, hit[1].text) if hit else None


def test_a_weekday_consistent_with_the_other_date_is_no_conflict() -> None:
    assert _conflict("The dockers walked out on Wednesday.", "The dockers walked out on June 11.") is None
    assert _conflict("The dockers walked out on Thursday.", "The dockers walked out on Thursday (12 June).") is None
    assert _conflict("Die Hafenarbeiter streikten am Mittwoch.", "Die Hafenarbeiter streikten am 11. Juni.",
                     "de") is None


def test_a_weekday_inconsistent_with_the_other_date_is_a_conflict() -> None:
    assert _conflict("The dockers walked out on Wednesday.",
                     "The dockers walked out on Thursday (12 June).") in {("Wednesday", "12 June"),
                                                                          ("Wednesday", "Thursday"),
                                                                          ("Wednesday", "Thursday (12 June)")}
    assert _conflict("Die Hafenarbeiter streikten am Mittwoch.",
                     "Die Hafenarbeiter streikten am Donnerstag, dem 12. Juni.", "de") is not None
    # the claim naming the evidence's day too is no conflict ("from Wednesday to Thursday, 12 June")
    assert _conflict("The dockers walked out on Wednesday and again on June 12.",
                     "The dockers walked out on June 12.") is None


def test_an_unresolved_weekday_falls_back_to_month_and_day() -> None:
    assert _conflict("The dockers walked out on Wednesday.", "The dockers walked out on June 12.",
                     published=None) is None  # no publication date: a weekday alone says nothing
    assert _conflict("The dockers walked out on June 11.", "The dockers walked out on June 12.",
                     published=None) == ("June 11", "June 12")


def test_the_evidence_text_holding_the_weekdays_day_is_no_conflict() -> None:
    from storycheck.verify._typed import Carried, _date_conflict

    claim, ev = _dated("The dockers walked out on Wednesday."), _dated("The dockers walked out on June 12.")
    carried = Carried.of([_facts("Talks failed on June 11.", published=THURSDAY)])
    assert _date_conflict(claim, ev, carried) is None and _date_conflict(claim, ev, None) is not None


def test_a_weekday_against_a_date_of_the_same_event_is_flagged_in_alignment() -> None:
    from storycheck._types import Contradiction, Sentence
    from storycheck.verify._align import confirm

    def sent(text: str) -> Sentence:
        s = Sentence(index=0, start=0, end=len(text), text=text)
        s.facts = _facts(text, "en", THURSDAY)
        return s

    claim = sent("The dockers walked out of the harbour on Wednesday.")
    hit = Contradiction("date", "Wednesday", "12 June", "b", 0)
    for ev_text, flagged in (("The dockers walked out of the harbour on Thursday (12 June).", True),
                             ("The dockers walked out of the harbour on June 11.", False)):
        got = confirm(hit, claim, sent(ev_text), claim_article="a", ev_article="b", tol=0.02, carried=None,
                      same_language=True, negators=frozenset(), published=(THURSDAY, THURSDAY),
                      languages=("en", "en"), one_claim=True)
        assert (got is not None and got.type == "date") is flagged


def test_yesterday_is_compared_with_dates_but_not_with_other_relative_words() -> None:
    from storycheck.verify._typed import _date_conflict

    def both(text: str, published: str = THURSDAY) -> list[DateMention]:
        f = _facts(text, "en", published)
        return f.dates + f.relative_dates

    yesterday = both("The dockers walked out yesterday.")
    assert _date_conflict(yesterday, both("The dockers walked out on June 11."), None) is None
    assert _date_conflict(yesterday, both("The dockers walked out on June 9."), None) is not None
    assert _date_conflict(yesterday, both("The dockers walked out today.", "2025-06-11T09:00:00+02:00"), None) is None
    assert _date_conflict(yesterday, both("The dockers walked out today."), None) is None  # ongoing, not a date


def test_a_headline_and_a_clause_get_their_dates_resolved_too() -> None:
    from storycheck.story._claims import _clause_sentence
    from storycheck.verify._verify import _units

    art = segment_article(Article(id="a", published=THURSDAY, title="Dockers walk out on Wednesday",
                                  text="The dockers walked out on Wednesday, and the port closed."))
    head = _units(art)[0]
    assert head.index == -1 and head.facts is not None
    assert [d.resolved for d in head.facts.dates] == [_day(date(2025, 6, 11))]
    clause = _clause_sentence(art.sentences[0], "The dockers walked out on Wednesday", art.published)
    assert clause.facts is not None and [d.resolved for d in clause.facts.dates] == [_day(date(2025, 6, 11))]


def test_a_sentence_naming_both_days_holds_either() -> None:
    from storycheck.analyze import analyze_sentence
    from storycheck.verify._typed import _date_conflict
    night = analyze_sentence("Le séisme a frappé Dornhal dans la nuit de vendredi 8 à samedi 9 septembre.", "fr",
                             published="2026-09-09")
    toll = analyze_sentence("Le bilan publié samedi 9 septembre est de 300 morts.", "fr", published="2026-09-09")
    assert _date_conflict(toll.dates, night.dates, None) is None
    friday = analyze_sentence("Le séisme a frappé Dornhal vendredi 8 septembre.", "fr", published="2026-09-09")
    assert _date_conflict(toll.dates, friday.dates, None) is not None
