"""Stories told in several languages (issue 15), on our fictional sample examples/velmora-dam:
a wire report and a rewrite of it (one drifted number, one invented quote), each told again
in Russian, German and French, and an independent English report."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import find

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "velmora-dam"


@pytest.fixture(scope="module")
def velmora():
    from storycheck import compare

    return {a.outlet: a for a in compare([EXAMPLE])}


def test_each_article_has_its_language(velmora):
    langs = {o: a.language for o, a in velmora.items()}
    assert langs["Northbridge Wire"] == "en" and langs["Северный вестник"] == "ru"
    assert langs["Talblatt"] == "de" and langs["Le Courrier du Val"] == "fr"


def test_russian_and_german_versions_of_the_wire_join_the_english_story():
    from storycheck.group import cluster_articles
    from storycheck.ingest import read_paths

    arts = read_paths([EXAMPLE])
    outlet = {a.id: a.outlet for a in arts}
    stories = [sorted(outlet[x] for x in s) for s in cluster_articles(arts)]
    wire_story = next(s for s in stories if "Northbridge Wire" in s)
    assert {"Северный вестник", "Talblatt", "Le Courrier du Val", "Valley Ledger"} <= set(wire_story)


def test_drifted_number_is_contradicted_across_languages(velmora):
    for outlet, fragment in (("Вечерний экспресс", "450 млн долларов"), ("Morgenruf24", "450 Mio. Dollar"),
                             ("La Vigie Express", "450 millions")):
        s = find(velmora[outlet], fragment)
        assert s.verdict == "contradicted", outlet
        assert s.contradiction is not None and s.contradiction.type == "number"
    ru = find(velmora["Вечерний экспресс"], "450 млн долларов")
    wire = velmora["Northbridge Wire"].id
    assert any(ln.article == wire and ln.stance == "contradicts" and ln.contradiction.evidence_span == "$45 million"
               for ln in ru.links)


def test_invented_quote_told_in_german_is_translated_and_rests_on_the_rewrite_only(velmora):
    s = find(velmora["Morgenruf24"], "Niemand im Tal")
    (q,) = s.quotes
    assert q.status == "translated"
    assert velmora["Daily Sentinel Now"].id in q.found_in
    assert s.verdict == "unsupported" and s.only_in_copies  # its carriers are the rewrite and its translations
    assert velmora["Northbridge Wire"].id not in q.found_in  # the wire never said it
    real = find(velmora["Talblatt"], "Der Damm ist heute sicher")
    assert real.quotes[0].status == "translated" and velmora["Northbridge Wire"].id in real.quotes[0].found_in


def test_facts_are_read_in_each_language(velmora):
    de = find(velmora["Talblatt"], "45 Mio. Dollar").facts
    assert any(q.unit == "$" and q.value == 45e6 for q in de.quantities)
    assert any(q.unit == "page" and q.value == 33 for q in de.quantities)
    ru = find(velmora["Северный вестник"], "24 ноября").facts
    assert [(d.day, d.month) for d in ru.dates] == [(24, 11)]
    fr = find(velmora["Le Courrier du Val"], "Selon Witcombe")
    assert fr.attribution.kind == "named_person" and fr.attribution.source == "Witcombe"


def test_transliterated_names_merge_in_the_matrix(velmora):
    from storycheck.story import build_story

    report = build_story(list(velmora.values()))
    ids = {a.id: o for o, a in velmora.items()}
    row = next(c for c in report.claims if any(
        ids[a] == "Северный вестник" for a, cell in c.cells.items() if cell == "carries") and "Уиткомба" in " ".join(
        v.text for v in c.versions))
    assert {"Northbridge Wire", "Talblatt"} <= {ids[a] for a, cell in row.cells.items() if cell == "carries"}


def test_names_across_scripts():
    from storycheck.lang import latin_name, skeleton

    assert latin_name("Уиткоффа") == "witkoff" and latin_name("Зеленского") == "zelensky"
    assert skeleton("Уиткомб") == skeleton("Witcombe")
    assert skeleton("Selenskyj") == skeleton("Zelensky") == skeleton("Zelenszkij")
    assert skeleton("Witcombe") != skeleton("Wellington")


def test_name_index_finds_a_name_written_in_another_script():
    from storycheck.verify import name_key
    from storycheck.verify._names import NameIndex

    assert name_key("Уиткоффа") == name_key("Witkoff") == "witkoff"
    index = NameIndex(["Спецпосланник Стив Уиткофф прибыл в Москву."])
    assert index.has("Steve Witkoff") and index.has("Moscow") and not index.has("Trump")


def test_the_trail_marks_a_language_change(velmora):
    from storycheck.story import build_story

    report = build_story(list(velmora.values()))
    steps = [ch for c in report.claims for v in c.versions for ch in v.changes]
    langs = [ch for ch in steps if ch["type"] == "language"]
    assert langs and all(ch["from"] != ch["to"] for ch in langs)
    assert {"ru", "de", "fr"} <= {ch["to"] for ch in langs} | {ch["from"] for ch in langs}
    # words are not compared across languages
    assert not any(ch["type"] == "wording" and any("а" <= w[:1] <= "я" for w in ch["added"]) for ch in steps
                   if ch["type"] == "wording")


def test_language_is_in_the_json(velmora):
    from storycheck.report import to_json_dict

    doc = to_json_dict(list(velmora.values()))
    langs = {a["outlet"]: a["language"] for a in doc["articles"]}
    assert langs["Morgenruf24"] == "de" and langs["Вечерний экспресс"] == "ru"
    morgenruf = next(a for a in doc["articles"] if a["outlet"] == "Morgenruf24")
    assert morgenruf["sourcing"]["quotes"]["translated"] == 1
    wire = next(a for a in doc["articles"] if a["outlet"] == "Northbridge Wire")
    assert "language" not in wire["sentences"][0]  # only where a sentence differs from its article


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("В 2025 г. он заявил: «Мы проверили 33 страницы. Всё хорошо». Т. е. всё ясно. Он ушёл.", "ru", 3),
    ("Am 3. Dezember sagte er: „Wir haben 33 Seiten geprüft. Alles ist gut.“ Danach ging er. Laut Nr. 5 ist es so.",
     "de", 3),
    ("Selon M. Dupont, le rapport est prêt. Mme Martin est partie.", "fr", 2),
    ("A jelentés 2026. december 2. jelent meg. Orbán szerint ez jó.", "hu", 2),
])
def test_sentences_split_with_each_language_s_abbreviations_and_quotes(text, language, expected):
    from storycheck.segment import split_sentences

    assert len(split_sentences(text)) == expected


@pytest.mark.parametrize(("text", "language", "value", "unit"), [
    ("Администрация подготовила 33-страничный план.", "ru", 33, "page"),
    ("План стоит 5 млрд долларов.", "ru", 5e9, "$"),
    ("Der Plan kostet 5 Mrd. Dollar.", "de", 5e9, "$"),
    ("Le plan coûte 5 milliards de dollars.", "fr", 5e9, "$"),
    ("A terv 5 milliárd dollárba kerül.", "hu", 5e9, "$"),
    ("Звіт коштує 2,5 млрд доларів.", "uk", 2.5e9, "$"),
    ("Rund 12.000 Menschen leben dort.", "de", 12000, "people"),
    ("Environ 12 000 habitants vivent là.", "fr", 12000, "resident"),
])
def test_numbers_with_scale_words_and_units(text, language, value, unit):
    from storycheck.analyze import analyze_sentence

    (q,) = analyze_sentence(text, language).quantities
    assert (q.value, q.unit) == (value, unit)


@pytest.mark.parametrize(("text", "language", "day", "month"), [
    ("Отчёт выйдет 2 декабря.", "ru", 2, 12), ("Звіт вийде 2 грудня.", "uk", 2, 12),
    ("Der Bericht erscheint am 3. Dezember.", "de", 3, 12), ("Le rapport paraîtra le 2 décembre.", "fr", 2, 12),
    ("A jelentés december 2. jelenik meg.", "hu", 2, 12),
])
def test_dates_with_month_names(text, language, day, month):
    from storycheck.analyze import analyze_sentence

    (d,) = analyze_sentence(text, language).dates
    assert (d.day, d.month) == (day, month)


@pytest.mark.parametrize(("sentence", "language", "kind", "source"), [
    ("По словам Уиткоффа, план готов.", "ru", "named_person", "Уиткоффа"),
    ("«Мы не отступим», — заявил мэр Иван Петров.", "ru", "named_person", "Иван Петров"),
    ("Laut Witcombe ist der Damm sicher.", "de", "named_person", "Witcombe"),
    ("Selon Witcombe, le barrage est sûr.", "fr", "named_person", "Witcombe"),
    ("Orbán szerint ez jó.", "hu", "named_person", "Orbán"),
    ("Источники в Кремле сообщили об этом.", "ru", "anonymous", None),
    ("Ingenieure fanden 14 Risse in der Hochwasserentlastung, teilte die Wasserbehörde mit.", "de", "organization",
     "Wasserbehörde"),
])
def test_attribution_cues(sentence, language, kind, source):
    from storycheck.analyze import source_article

    (src,) = source_article([sentence], language=language)
    assert src.attribution.kind == kind and src.attribution.source == source


def test_hedges_in_their_language():
    from storycheck.analyze import hedges

    assert hedges("Он якобы был там.", "ru") == ["якобы"]
    assert hedges("Er soll angeblich dort gewesen sein.", "de") == ["soll", "angeblich"]
    assert hedges("He was reportedly there.") == ["reportedly"]


def test_add_stores_one_story_across_languages_and_checks_it(tmp_path):
    from storycheck import add
    from storycheck._pipeline import check_stored_story
    from storycheck.ingest import read_paths
    from storycheck.store import open_store

    store = open_store(tmp_path / "s.db")
    try:
        res = add([EXAMPLE], store=store)
        assert res.added == 11
        arts = read_paths([EXAMPLE])
        story_of = store.stories_of([a.id for a in arts])
        by_outlet = {a.outlet: story_of[a.id] for a in arts}
        assert by_outlet["Северный вестник"] == by_outlet["Talblatt"] == by_outlet["Northbridge Wire"]
        doc = check_stored_story(store, by_outlet["Northbridge Wire"])
        langs = {a["outlet"]: a["language"] for a in doc["articles"]}
        assert langs["Северный вестник"] == "ru" and langs["Le Courrier du Val"] == "fr" and langs["Gazeta do Vale"] == "pt"
    finally:
        store.close()


def test_a_sentence_left_in_another_language_is_judged_across_languages():
    from storycheck import Article, compare

    ru = Article(id="ru", title="Плотина закрыта", text=(
        "Инженеры обнаружили 14 трещин в водосбросе плотины Вельмора, сообщило управление во вторник.\n"
        "Ремонт обойдётся примерно в 45 млн долларов, говорится в отчёте."))
    en = Article(id="en", title="Dam repairs", text=(
        "The Velmora dam will be repaired over the winter, officials in the valley said.\n"
        "A Russian newspaper wrote: Ремонт обойдётся примерно в 450 млн долларов, говорится в отчёте.\n"
        "Engineers found 14 cracks in the spillway of the Velmora dam on Tuesday."))
    arts = {a.id: a for a in compare([ru, en])}
    quoted = find(arts["en"], "450 млн")
    assert arts["en"].language == "en" and quoted.language == "ru"
    link = next(ln for ln in quoted.links if ln.article == "ru")
    assert link.stance == "contradicts" and link.contradiction.type == "number"


def test_a_quote_repeated_word_for_word_in_russian_is_verbatim():
    from storycheck import Article, compare

    a = Article(id="a", title="Мост закрыт", text=(
        "Мэр Иван Петров закрыл мост после проверки.\n"
        "«Мы не откроем мост, пока не будут устранены все 14 трещин», — заявил Петров журналистам."))
    b = Article(id="b", title="Мост в Ларкспуре", text=(
        "Городские власти закрыли мост на ремонт.\n"
        "«Мы не откроем мост, пока не будут устранены все 14 трещин», — сказал мэр Иван Петров."))
    arts = {x.id: x for x in compare([a, b])}
    (q,) = find(arts["a"], "Мы не откроем").quotes
    assert q.status == "verbatim" and q.found_in == ["b"]


def test_two_russian_reports_with_the_same_figures_are_not_near_duplicates():
    from storycheck import Article
    from storycheck.group import resemblance
    from storycheck.group._features import minhash

    a = Article(id="a", text="Инженеры нашли 14 трещин в мосту; ремонт обойдётся в 12 млн долларов и займёт 8 месяцев.")
    b = Article(id="b", text="На 14 улицах города появятся новые остановки: совет выделил 12 млн долларов на 8 автобусов.")
    assert resemblance(minhash(a.text), minhash(b.text)) < 0.5


def test_add_keeps_both_spaces_vectors_and_a_later_check_reads_them(tmp_path):
    from storycheck import add
    from storycheck._pipeline import check_stored_story
    from storycheck.embed import default_backend, multilingual_backend, text_key
    from storycheck.ingest import read_paths
    from storycheck.store import open_store

    store = open_store(tmp_path / "s.db")
    try:
        add([EXAMPLE], store=store, vectors=True)
        arts = {a.outlet: a for a in read_paths([EXAMPLE])}
        en, ru = default_backend().model_id, multilingual_backend().model_id
        wire = store.get_article(arts["Northbridge Wire"].id)
        vestnik = store.get_article(arts["Северный вестник"].id)
        assert wire is not None and vestnik is not None
        keys_en = [text_key(s.text) for s in wire.sentences]
        keys_ru = [text_key(s.text) for s in vestnik.sentences]
        assert set(store.load_vectors(keys_en, en)) == set(keys_en)
        assert set(store.load_vectors(keys_ru, ru)) == set(keys_ru)
        assert not store.load_vectors(keys_ru, en)  # a Russian article needs no English-space vector
        sid = store.stories_of([wire.id])[wire.id]
        first = check_stored_story(store, sid)
        assert set(store.load_vectors(keys_en, ru)) == set(keys_en)  # kept by the first check
        multilingual_backend.cache_clear()
        again = check_stored_story(store, sid, refresh=True)
        assert not multilingual_backend()._memory  # every multilingual vector came from the store
        assert again["articles"] == first["articles"]
    finally:
        multilingual_backend.cache_clear()
        store.close()


def test_spanish_and_portuguese_tellings_are_read_in_their_own_language(velmora):
    assert velmora["El Eco del Valle"].language == "es" and velmora["Gazeta do Vale"].language == "pt"
    s = find(velmora["Gazeta do Vale"], "450 milhões de dólares")
    assert s.verdict == "contradicted" and s.contradiction is not None and s.contradiction.type == "number"
    faithful = find(velmora["El Eco del Valle"], "45 millones de dólares")
    assert faithful.verdict != "contradicted"
