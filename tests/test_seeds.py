"""The motivating case: a faithful summary (001) against an embellished rewrite (000)."""

import pytest
from conftest import find


def test_faithful_facts_missing_from_the_rewrite_are_not_supported(seed_result):
    faithful, _ = seed_result
    for fragment in ("Steve Witkoff and his adviser Jared Kushner", "33-page National Security Strategy", "John Foreman"):
        s = find(faithful, fragment)
        assert s.verdict != "supported", (fragment, s.verdict, s.score)


def test_moderate_outcome_is_supported_by_the_leaked_correspondence_sentence(seed_result):
    faithful, rewrite = seed_result
    s = find(faithful, "A more moderate outcome")
    assert s.verdict == "supported"
    top = s.evidence[0]
    assert top.article == rewrite.id
    assert "leaked correspondence" in top.text


def test_rewrite_inventions_are_not_supported(seed_result):
    _, rewrite = seed_result
    for fragment in ("classified briefings", "$5 billion", "Alexei Pushkov", "Pushkov claimed", "Europe is not a target"):
        s = find(rewrite, fragment)
        assert s.verdict != "supported", (fragment, s.verdict, s.score)


def test_line_broken_inside_a_sentence_is_repaired(seed_result):
    _, rewrite = seed_result
    s = find(rewrite, "internal memos from the U.S. State Department, there is growing unease")
    assert rewrite.text[s.start : s.end].startswith("According to Bloomberg")
    s2 = find(rewrite, "between the U.S. Department of Defense")
    assert s2.text.startswith("According to leaked correspondence")


def test_metadata_and_title_are_not_sentences(seed_result):
    faithful, rewrite = seed_result
    assert faithful.published == "2025-12-07"
    assert faithful.title == "European leaders are concerned US may walk away from Ukraine war"
    assert rewrite.title.startswith("European Allies Express Concern")
    assert not any("2025-12-07" in s.text for s in faithful.sentences)


def test_a_claim_the_rewrite_spreads_over_two_sentences_is_supported_by_both(seed_result):
    faithful, rewrite = seed_result
    s = find(faithful, "One European official cited in the reporting outlined")
    assert s.verdict == "supported", (s.verdict, s.score)
    top = s.evidence[0]
    assert top.article == rewrite.id
    assert "complete disengagement from the conflict" in top.text
    assert "halting military aid to Ukraine" in top.text
    assert len(top.sentences) == 2


def test_the_lead_finds_the_rewrites_headline_and_first_sentence_as_its_evidence(seed_result):
    faithful, rewrite = seed_result
    s = find(faithful, "Western European governments are increasingly anxious")
    top = s.evidence[0]
    assert top.article == rewrite.id and top.sentences == (-1, 0)  # its headline and first sentence
    assert top.text.startswith("European Allies Express Concern")


@pytest.mark.xfail(strict=True, reason=(
    "known gap (issue 13): the right window (the rewrite's headline + first sentence) is found, but the "
    "shipped model scores this heavy paraphrase 0.49, just under 0.5; strict, so a model that gets it "
    "right turns this red until the mark is removed"))
def test_the_lead_carried_by_the_rewrites_headline_and_first_sentence_is_supported(seed_result):
    faithful, rewrite = seed_result
    s = find(faithful, "Western European governments are increasingly anxious")
    assert s.verdict == "supported", (s.verdict, s.score)


def test_rewrite_inventions_stay_unsupported(seed_result):
    _, rewrite = seed_result
    for fragment in ("classified briefings", "$5 billion", "Alexei Pushkov", "Pushkov claimed"):
        s = find(rewrite, fragment)
        assert s.verdict == "unsupported", (fragment, s.verdict, s.score)


def test_the_rewrite_arriving_after_the_faithful_report_raises_sourcing_alerts(seed_result):
    """Watching the real pair: the rewrite's invented sourcing ("classified briefings", officials
    "speaking under the condition of anonymity") is what the desk hears about."""
    from storycheck.report import story_dict, to_json_dict
    from storycheck.story import build_story
    from storycheck.watch import story_alerts

    arts = list(seed_result)
    doc = to_json_dict(arts, story_dict(arts, build_story(arts)))
    alerts = story_alerts(doc, [seed_result[1].id])
    lone = [a for a in alerts if a["kind"] == "unsourced_new_claim"]
    assert any("classified briefings" in a["text"] for a in lone), [a["message"] for a in alerts]
    assert any("anonymity" in a["text"] for a in lone)
    assert all(a["article"] == seed_result[1].id for a in alerts)
    # the faithful report rests on a published, named document (the National Security Strategy):
    # checkable, so no lone-sourcing alert even had it arrived second
    assert not [a for a in story_alerts(doc, [seed_result[0].id]) if a["kind"] == "unsourced_new_claim"]
