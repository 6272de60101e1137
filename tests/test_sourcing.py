"""Who says so: attribution, quotes and speakers, cross-outlet quote status, hedges."""

import pytest

from conftest import find
from storycheck import Article, compare
from storycheck.analyze import attribute, find_quotes, hedges, loaded, source_article


@pytest.mark.parametrize(
    ("text", "kind", "source"),
    [
        ("According to Bloomberg, the talks stalled on Friday.", "outlet", "Bloomberg"),
        ("The plan, as outlined by anonymous sources within the U.S. intelligence community, involves a full exit.",
         "anonymous", "anonymous sources within the U.S. intelligence community"),
        ("Pentagon officials, speaking under the condition of anonymity, have warned of a gamble.", "anonymous", "Pentagon officials"),
        ("One European official cited in the reporting outlined the worst case.", "anonymous", "One European official"),
        ("The scenario has been described in internal Pentagon documents as a failure.", "document", "internal Pentagon documents"),
        ("According to leaked correspondence, the administration is weighing a new approach.", "document", "leaked correspondence"),
        ("Internal memos from the ministry show the plan was drafted in May.", "document", "Internal memos"),
        ("John Foreman, a former British defense attaché in Moscow, summarized the worry by saying that the risk remains.",
         "named_person", "John Foreman"),
        ("The Kremlin said the meeting was useful.", "organization", "Kremlin"),
        ("The State Department said it had no comment.", "organization", "State Department"),
        ("The bridge carries 38,000 vehicles a day.", "none", None),
    ],
)
def test_attribution_kinds(text, kind, source):
    att = attribute(text)
    assert (att.kind, att.source) == (kind, source)


def test_attribution_carries_to_the_next_sentence_and_names_the_speaker():
    sents = [
        "Russian Senator Alexei Pushkov has offered a counter-narrative, insisting that Russia has no plans.",
        "In an interview, Pushkov claimed that Moscow's focus remains on Ukraine.",
        "‘Europe is not a target for Russia,’ he said, a statement met with skepticism.",
    ]
    src = source_article(sents)
    assert [s.attribution.source for s in src] == ["Alexei Pushkov"] * 3
    assert src[2].continues
    (q,) = src[2].quotes
    assert (q.text, q.speaker) == ("Europe is not a target for Russia,", "Alexei Pushkov")


@pytest.mark.parametrize(
    ("text", "quotes"),
    [
        ('"We will not reopen the bridge," Ruiz said.', ["We will not reopen the bridge,"]),
        ("“Half of my customers come over that bridge,” Okafor said.", ["Half of my customers come over that bridge,"]),
        ("It was ‘a dangerous gamble,’ officials said, and ‘a catastrophic failure.’", ["a dangerous gamble,", "a catastrophic failure."]),
        ("“We survived,” said Kerr, “and we are moving on.”", ["We survived and we are moving on."]),
        ("The country's leaders won't say it's over.", []),
    ],
)
def test_quotes(text, quotes):
    assert [q.text for q in find_quotes(text)] == quotes


def test_hedges_and_loaded_words():
    t = "The plan is reportedly unconfirmed and is said to be a chilling, catastrophic move whispered about."
    assert hedges(t) == ["reportedly", "unconfirmed", "is said to"]
    assert loaded(t) == ["chilling", "catastrophic"]


def test_altered_quote_is_altered_not_verbatim_nor_only_here():
    a = Article(id="a", outlet="A", published="2026-01-01",
                text='The envoy warned of "the real and more stark prospect" of a US exit from the talks.')
    b = Article(id="b", outlet="B", published="2026-01-02",
                text='The envoy warned of "the real and harsher prospect" of a US exit from the talks.')
    c = Article(id="c", outlet="C", text="The weather in Larkspur was mild on Tuesday.")
    x, y, _ = compare([a, b, c])
    qa, qb = x.sentences[0].quotes[0], y.sentences[0].quotes[0]
    assert (qa.status, qa.found_in, qa.closest) == ("altered", ["b"], "the real and harsher prospect")
    assert qb.status == "altered"
    # the later article changed the words: its sentence is contradicted on the quote
    assert y.sentences[0].verdict == "contradicted" and y.sentences[0].contradiction.type == "quote"
    assert x.sentences[0].verdict == "supported"


def test_seed_rewrite_swaps_the_source(seed_result):
    faithful, rewrite = seed_result
    s = find(rewrite, "anonymous sources within the U.S. intelligence community")
    assert s.attribution.kind == "anonymous"
    assert s.verdict == "contradicted" and s.contradiction.type == "attribution"
    assert "One European official" in s.contradiction.evidence_span
    assert find(faithful, "One European official").attribution.kind == "anonymous"
    assert find(rewrite, "According to Bloomberg").attribution.kind == "outlet"
    assert find(rewrite, "leaked correspondence").attribution.kind == "document"
    foreman = find(faithful, "John Foreman")
    assert foreman.attribution.source == "John Foreman"
    assert foreman.quotes[0].speaker == "John Foreman" and foreman.quotes[0].status == "only_here"


def test_examples_exercise_every_kind_and_status(example_result):
    kinds = {s.attribution.kind for a in example_result.values() for s in a.sentences}
    assert kinds == {"named_person", "anonymous", "outlet", "document", "organization", "none"}
    statuses = {q.status for a in example_result.values() for s in a.sentences for q in s.quotes}
    assert statuses == {"verbatim", "altered", "only_here"}
    pulse = example_result["Patriot Pulse Network"]
    s = find(pulse, "every single beam")
    assert s.quotes[0].status == "altered" and s.quotes[0].speaker == "Elena Ruiz"
    assert s.verdict == "contradicted" and s.contradiction.type == "quote"
    assert find(pulse, "chilling reminder").loaded == ["chilling"]


def test_profile_in_json(example_result):
    from storycheck.report import sourcing_profile, to_json_dict

    pulse = example_result["Patriot Pulse Network"]
    p = sourcing_profile(pulse)
    assert p["attribution"]["anonymous"] == 2 and p["attribution"]["document"] == 2
    assert p["anonymous_or_document_share"] == round(4 / len(pulse.sentences), 4)
    assert p["quotes"] == {"verbatim": 0, "altered": 1, "only_here": 1}
    doc = to_json_dict([pulse])["articles"][0]
    assert doc["sourcing"] == p
    s = doc["sentences"][2]
    assert s["attribution"]["kind"] == "anonymous" and s["hedges"] == [] and "quotes" in s
