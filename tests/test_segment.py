import re

import pytest

from storycheck.segment import split_sentences


def texts(t):
    return [s for _, _, s in split_sentences(t)]


def test_offsets_point_into_the_text():
    t = "Mr. Smith went to Washington on Dec. 3. He met the U.S. Senate leader.\n\nThen he left."
    for a, b, s in split_sentences(t):
        assert re.sub(r"\s+", " ", t[a:b]) == s
    assert texts(t) == ["Mr. Smith went to Washington on Dec. 3.", "He met the U.S. Senate leader.", "Then he left."]


def test_sentence_ending_with_initialism_still_ends():
    assert texts("Sanctions were imposed by the U.S. The EU followed.") == [
        "Sanctions were imposed by the U.S.", "The EU followed."]


def test_quote_spanning_sentences_stays_with_its_attribution():
    t = '“We survived. We are moving on,” said coach Steve Kerr. The final starts Thursday.'
    assert texts(t) == ['“We survived. We are moving on,” said coach Steve Kerr.', "The final starts Thursday."]


def test_headline_line_is_its_own_sentence():
    t = "Bridge closes after cracks found\nThe city closed the bridge on Tuesday. Traffic was diverted."
    assert texts(t)[0] == "Bridge closes after cracks found"


def test_hard_wrapped_lines_are_joined():
    t = "The inspection was carried out by\nthe engineering firm Halden & Co. under a contract\nwith the city."
    assert texts(t) == ["The inspection was carried out by the engineering firm Halden & Co. under a contract with the city."]


@pytest.mark.parametrize("t", ["", "   \n\n ", "---"])
def test_nothing_to_split(t):
    assert texts(t) == []
