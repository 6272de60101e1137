from storycheck.analyze import analyze_sentence


def qty(text):
    return [(q.text, q.value, q.unit) for q in analyze_sentence(text).quantities]


def test_numbers_with_units_and_scales():
    assert qty("a 33-page strategy") == [("33-page", 33.0, "page")]
    assert qty("an additional $5 billion in aid") == [("$5 billion", 5e9, "$")]
    assert qty("5 million dollars and eight more items") == [("5 million dollars", 5e6, "$"), ("eight more items", 8.0, "item")]
    assert qty("up 40% on the year") == [("40%", 40.0, "%")]


def test_dates_are_not_numbers():
    f = analyze_sentence("It opened on Tuesday, 3 December 2024, in 1964 style.")
    assert [(d.month, d.day, d.year, d.weekday) for d in f.dates] == [(12, 3, 2024, 1)]
    assert [(q.value, q.unit) for q in f.quantities] == [(1964.0, "@year")]


def test_names_quotes_negation():
    f = analyze_sentence("‘Europe is not a target for Russia,’ said Senator Alexei Pushkov (MENAFN).")
    assert "Senator Alexei Pushkov" in f.names and "Europe" in f.names and "MENAFN" not in f.names
    assert f.quotes == ["Europe is not a target for Russia,"]
    assert f.negated


def test_may_the_verb_is_not_a_date():
    assert analyze_sentence("The talks may resume soon.").dates == []


def test_ages_are_not_durations_and_bounds_are_approximate():
    ages = analyze_sentence("The 27 - year - old has played for five years.").quantities
    assert [(q.value, q.unit) for q in ages] == [(27.0, "year-old"), (5.0, "year")]
    (q,) = analyze_sentence("a boat carrying more than 100 migrants").quantities
    assert q.approx and (q.value, q.unit) == (100.0, "migrant")
