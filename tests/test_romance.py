"""Spanish, Italian and Portuguese are read in their own right (lexicons lang/data/{es,it,pt}.json):
fictional sentences."""

from __future__ import annotations

import pytest

from storycheck.analyze import analyze_sentence
from storycheck.lang import LEXICON_LANGUAGES, detect_language, lexicon
from storycheck.verify._align import lead_day


@pytest.mark.parametrize(("text", "code"), [
    ("O banco central cortou os juros em 0,50 ponto percentual nesta quarta-feira, para a faixa de 4,75% a 5%.", "pt"),
    ("Il governo della regione non ha ancora detto quando riapriranno le scuole chiuse per la piena.", "it"),
    ("El alcalde de Villamar dijo que los puentes del puerto estaran cerrados hasta el lunes por la tarde.", "es"),
    ("The mayor of Villamar said the bridges of the port would stay closed until Monday afternoon.", "en"),
])
def test_language_of_accentless_romance_news(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_every_romance_lexicon_loads() -> None:
    for code in ("es", "it", "pt"):
        assert code in LEXICON_LANGUAGES
        lex = lexicon(code)
        assert lex is not None and lex.months and lex.weekdays and lex.units


def test_dates_and_counts_in_spanish_italian_portuguese() -> None:
    es = analyze_sentence("El sismo sacudió Villamar el viernes 8 de septiembre de 2023 y dejó 2.012 muertos.", "es")
    assert [(d.day, d.month, d.year) for d in es.dates if d.month] == [(8, 9, 2023)]
    assert [(q.value, q.unit) for q in es.quantities if q.unit == "dead"] == [(2012.0, "dead")]
    it = analyze_sentence("Il taglio di 50 punti base porta i tassi al 5%.", "it")
    assert [(q.value, q.unit) for q in it.quantities] == [(0.5, "pp"), (5.0, "%")]
    pt = analyze_sentence("O Fed cortou os juros em 0,50 ponto percentual.", "pt")
    assert [(q.value, q.unit) for q in pt.quantities] == [(0.5, "pp")]
    de = analyze_sentence("Die Notenbank hat ihre Zinsen um 0,50 Prozentpunkte gesenkt.", "de")
    assert [(q.value, q.unit) for q in de.quantities] == [(0.5, "pp")]


def test_a_lead_day_to_come_is_not_the_event_day() -> None:
    texts = ["The jurors would resume their talks on Friday, the judge said.", "The verdict came on Thursday."]
    facts = [analyze_sentence(t, "en", published="2026-05-30") for t in texts]
    found = lead_day([f.dates for f in facts], texts)
    assert found is not None and found[0] == 1


def test_no_romance_abbreviation_is_an_english_word() -> None:
    from storycheck.segment import split_sentences
    text = "The lights stayed on. Then the pumps failed, and so on, etc. The mayor spoke."
    assert len(split_sentences(text)) == 3


@pytest.mark.parametrize("text", ["Los Angeles fire: El Segundo evacuated", "Real Madrid beat Barcelona in El Clasico"])
def test_an_english_headline_with_spanish_names_stays_english(text: str) -> None:
    assert detect_language(text) == "en"
