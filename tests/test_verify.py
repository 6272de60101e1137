"""Typed checks through the real pipeline (real model, real articles)."""

import pytest

from storycheck import Article, compare


def pair(a: str, b: str):
    x, y = compare([Article(id="a", text=a, outlet="A"), Article(id="b", text=b, outlet="B")])
    return x.sentences[0], y.sentences[0]


@pytest.mark.parametrize(
    ("claim", "other", "span"),
    [
        ("Trump released a 33-page strategy on Friday.", "Trump released a 29-page strategy on Friday.", ("33-page", "29-page")),
        ("The U.S. pledged $5 billion in aid to Ukraine.", "The U.S. pledged $5 million in aid to Ukraine.", ("$5 billion", "$5 million")),
        ("The envoys met Putin in Moscow on Dec. 2.", "The envoys met Putin in Moscow on Dec. 3.", ("Dec. 2", "Dec. 3")),
        ("The agency listed 8 items on its agenda for the summit.", "The agency listed nine items on its agenda for the summit.", ("8 items", "nine items")),
    ],
)
def test_typed_mismatch_is_contradicted_not_supported(claim, other, span):
    s, t = pair(claim, other)
    for x, (mine, theirs) in ((s, span), (t, span[::-1])):
        assert x.verdict == "contradicted"
        assert (x.contradiction.claim_span, x.contradiction.evidence_span) == (mine, theirs)
        assert x.score <= 0.1
        assert x.evidence[0].text in (claim, other)


def test_paraphrase_is_supported():
    s, _ = pair(
        "The city closed the Merrow Bridge on Tuesday after inspectors found 14 cracks in its beams.",
        "Officials shut the Merrow Bridge on Tuesday when an inspection revealed 14 cracks in the steel beams.",
    )
    assert s.verdict == "supported" and s.score >= 0.5


def test_unrelated_sentence_is_unsupported_and_opinion_is_opinion():
    a = Article(id="a", text="Mayor Elena Ruiz said the bridge would stay closed for six weeks. It is a disgrace and everyone should be ashamed.")
    b = Article(id="b", text="The harbour festival in Tamsin drew 4,000 visitors on Saturday.")
    x, _ = compare([a, b])
    assert [s.verdict for s in x.sentences] == ["unsupported", "opinion"]


def test_scores_are_probabilities_and_evidence_is_best_first(example_result):
    from storycheck.story import find_families

    family = {m: f.id for f in find_families(list(example_result.values())) for m in f.members}
    for art in example_result.values():
        for s in art.sentences:
            assert 0.0 <= s.score <= 1.0
            # independent evidence first (best first), then the article's own copies (best first)
            own = [e.score for e in s.evidence if family[e.article] == family[art.id]]
            other = [e.score for e in s.evidence if family[e.article] != family[art.id]]
            if s.contradiction is None:
                assert other == sorted(other, reverse=True) and own == sorted(own, reverse=True)
                assert [family[e.article] == family[art.id] for e in s.evidence] == sorted(
                    family[e.article] == family[art.id] for e in s.evidence)
            assert all(e.article != art.id for e in s.evidence)


def test_swapped_name_is_an_entity_contradiction():
    s, t = pair("Mayor Ellen Park opened the new harbour bridge on Monday.",
                "Mayor John Smith opened the new harbour bridge on Monday.")
    for x, spans in ((s, ("Mayor Ellen Park", "Mayor John Smith")), (t, ("Mayor John Smith", "Mayor Ellen Park"))):
        assert x.verdict == "contradicted" and x.contradiction.type == "entity"
        assert (x.contradiction.claim_span, x.contradiction.evidence_span) == spans


def test_a_short_form_or_another_role_is_not_a_swap():
    s, _ = pair("The Office of Fair Trading (OFT) fined the harbour company on Monday.",
                "The OFT fined the harbour company on Monday.")
    assert s.verdict != "contradicted"
    s, _ = pair("Mayor Ellen Park opened the new harbour bridge on Monday.",
                "Mayor Ellen Park opened the new harbour bridge with Governor Tom Reyes on Monday.")
    assert s.verdict != "contradicted"


def test_headline_is_checked_against_its_own_body_and_the_others():
    from storycheck import to_json_dict

    body = ("The city closed the Merrow Bridge on Tuesday after inspectors found 14 cracks in its steel beams. "
            "Repairs are expected to take six weeks, the city engineer said.")
    other = ("Officials shut the Merrow Bridge on Tuesday when an inspection revealed 14 cracks in the beams. "
             "The city engineer expects six weeks of repairs.")
    honest = Article(id="h", title="Merrow Bridge closed after inspectors find 14 cracks", text=body, outlet="A")
    bait = Article(id="c", title="Mayor arrested as secret tunnel under the bridge is exposed", text=other, outlet="B")
    x, y = compare([honest, bait])
    assert x.headline_support.verdict == "supported"
    assert "14 cracks" in x.headline_support.evidence[0].text
    assert y.headline_support.verdict != "supported"
    assert x.headline.verdict == "supported"  # the other article's body carries it
    assert y.headline.verdict != "supported"
    doc = to_json_dict([x, y])["articles"]
    assert doc[0]["headline"]["index"] == -1 and doc[0]["headline"]["body_support"]["verdict"] == "supported"
    assert doc[1]["headline"]["body_support"]["verdict"] != "supported"


def test_a_claim_spread_over_two_sentences_is_found_in_one_window():
    a = Article(id="a", outlet="A", text=(
        "The harbour authority will close the east pier for three months and move the ferry terminal to Dock 4."))
    b = Article(id="b", outlet="B", text=(
        "Weather was calm on Monday. The harbour authority will close the east pier for three months. "
        "The ferry terminal moves to Dock 4 in the meantime. Fishing boats are not affected."))
    x, _ = compare([a, b])
    s = x.sentences[0]
    assert s.verdict == "supported", s.score
    assert s.evidence[0].sentences == (1, 2)
