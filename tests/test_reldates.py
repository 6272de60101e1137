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
