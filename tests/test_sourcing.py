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


# -- sourcing layers ---------------------------------------------------------------------------

PENTAGON = ("Pentagon officials, according to leaked internal memos obtained by European intelligence agencies, "
            "have warned that the plan would leave Ukraine exposed to a Russian counteroffensive next spring.")
PENTAGON_PLAIN = "Pentagon officials warned that the plan would leave Ukraine exposed to a Russian counteroffensive next spring."


def test_layers_keep_every_cue_in_order():
    att = attribute(PENTAGON)
    assert [(x.kind, x.source) for x in att.layers] == [
        ("organization", "Pentagon"), ("document", "leaked internal memos"),
        ("intelligence", "European intelligence agencies")]
    assert (att.layers[0].kind, att.layers[0].source, att.layers[0].cue) == (att.kind, att.source, att.cue)
    assert att.layers[1].cue == "according to leaked internal memos"
    assert att.layers[2].cue == "obtained by European intelligence agencies"
    assert [x.kind for x in attribute(PENTAGON_PLAIN).layers] == ["organization"]


@pytest.mark.parametrize(
    ("text", "layers"),
    [
        ("The plan, according to documents reviewed by the Valley Courier, was drafted in May.",
         [("document", "documents"), ("outlet", "Valley Courier")]),
        ("Intelligence sources said the plan was drafted in May.", [("intelligence", "Intelligence sources")]),
        # a document that is talked about, not cited, is no layer
        ("City Hall said in a statement that it would not comment on leaked documents.", [("organization", "City Hall")]),
        ("The bridge carries 38,000 vehicles a day.", []),
    ],
)
def test_layers(text, layers):
    assert [(x.kind, x.source) for x in attribute(text).layers] == layers


def test_an_added_escalating_layer_conflicts_even_when_the_first_source_matches():
    from storycheck.verify._typed import attribution_conflict

    layered, plain = attribute(PENTAGON), attribute(PENTAGON_PLAIN)
    assert layered.kind == plain.kind == "organization"
    assert attribution_conflict(layered, plain) == (
        "document: leaked internal memos; intelligence: European intelligence agencies", "organization: Pentagon officials")
    # the carrier that drops layers does not conflict, nor do identical sourcings
    assert attribution_conflict(plain, layered) is None
    assert attribution_conflict(layered, attribute(PENTAGON)) is None
    # a carrier that credits nobody never conflicts
    assert attribution_conflict(layered, attribute("The plan would leave Ukraine exposed next spring.")) is None
    # a plain document layer is not escalating
    reviewed = attribute("Pentagon officials, according to documents reviewed by the Valley Courier, have warned "
                         "that the plan would leave Ukraine exposed.")
    assert [x.kind for x in reviewed.layers] == ["organization", "document", "outlet"]
    assert attribution_conflict(reviewed, plain) is None


def _story(claim: str, carriers: list[str]) -> list[Article]:
    filler = ["The talks resumed in Geneva on Monday after a week-long pause.",
              "Fuel prices in the region rose for a third month in a row.",
              "A storm closed two ports on the northern coast overnight.",
              "The central bank left its main interest rate unchanged.",
              "Farmers reported an early harvest across the southern plains."]
    arts = [Article(id=f"c{i}", outlet=f"Carrier {i}", published=f"2026-01-0{i + 1}", text=f"{text} {filler[i]}")
            for i, text in enumerate(carriers)]
    return [*arts, Article(id="claim", outlet="Layered", published="2026-01-09",
                           text=f"{claim} Officials gave no timetable for a decision.")]


def test_added_layer_no_carrier_has_is_contradicted_across_the_story():
    *_, art = compare(_story(PENTAGON, [PENTAGON_PLAIN] * 3))
    s = art.sentences[0]
    assert s.verdict == "contradicted" and s.contradiction.type == "attribution"
    assert s.contradiction.claim_span.startswith("document: leaked internal memos")
    assert s.contradiction.evidence_span == "organization: Pentagon officials"
    assert sorted(s.contradicted_by) == ["c0", "c1", "c2"]


def test_a_carrier_with_the_same_layer_supports_and_one_dissent_does_not_overturn_it():
    arts = compare(_story(PENTAGON, [PENTAGON_PLAIN, PENTAGON]))
    s = arts[-1].sentences[0]
    assert s.contradicted_by == ["c0"] and "c1" in s.supported_by
    assert s.verdict == "supported"
    # the plain carriers are never contradicted for lacking the layer
    assert arts[0].sentences[0].verdict == "supported" and arts[0].sentences[0].contradiction is None


def test_example_spun_copy_adds_a_leaked_memo_layer(example_result):
    heartland = example_result["Heartland Truth Report"]
    s = find(heartland, "according to leaked internal memos obtained by this outlet")
    assert s.attribution.kind == "named_person" and s.attribution.source == "Elena Ruiz"
    assert [x.kind for x in s.attribution.layers] == ["named_person", "document"]
    assert s.verdict == "contradicted" and s.contradiction.type == "attribution"
    assert s.contradiction.claim_span == "document: leaked internal memos"
    assert s.contradiction.evidence_span.startswith("named_person: Elena Ruiz")
    assert example_result["Coastline Wire"].id in s.contradicted_by
    # the wire's own sentence, with the mayor as its only source, stays supported
    wire = find(example_result["Coastline Wire"], "closure would last at least six weeks")
    assert wire.verdict == "supported" and wire.contradiction is None


def test_layers_in_json(example_result):
    from storycheck.report import to_json_dict

    heartland = example_result["Heartland Truth Report"]
    doc = to_json_dict([heartland])["articles"][0]
    s = next(x for x in doc["sentences"] if "leaked internal memos obtained" in x["text"])
    assert s["attribution"]["layers"] == [
        {"kind": "named_person", "source": "Elena Ruiz", "cue": "Mayor Elena Ruiz said"},
        {"kind": "document", "source": "leaked internal memos", "cue": "according to leaked internal memos"}]
    assert s["contradiction"]["claim_span"] == "document: leaked internal memos"
    for x in doc["sentences"]:  # the first layer is the sentence's source
        att = x["attribution"]
        if att["kind"] != "none":
            assert att["layers"][0] == {"kind": att["kind"], "source": att["source"], "cue": att["cue"]}
