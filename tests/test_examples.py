"""Our own sample corpus: a wire report, a shortened copy, an independent report, an embellished
rewrite and three spun copies of it (a small copy network)."""

from conftest import find


def test_every_format_was_read(example_result):
    assert set(example_result) == {"Coastline Wire", "Larkspur Ledger", "Valley Courier", "Patriot Pulse Network",
                                   "Freedom Beacon Daily", "Heartland Truth Report", "Liberty Wire Now"}
    ledger = example_result["Larkspur Ledger"]
    assert ledger.title == "Merrow Bridge shut after cracks found"
    assert "Subscribe" not in ledger.text and "Home" not in ledger.text
    assert example_result["Valley Courier"].id == "valley-courier-merrow-0303"


def test_drifted_numbers_are_contradicted_with_spans(example_result):
    pulse = example_result["Patriot Pulse Network"]
    s = find(pulse, "40 cracks")
    assert s.verdict == "contradicted"
    assert s.contradiction.type == "number"
    assert s.contradiction.claim_span == "40 cracks" and s.contradiction.evidence_span == "14 cracks"
    money = find(pulse, "$120 million")
    assert money.verdict == "contradicted" and money.contradiction.evidence_span == "$12 million"


def test_core_fact_carried_by_several_outlets_is_supported_despite_one_outlier(example_result):
    wire = example_result["Coastline Wire"]
    s = find(wire, "found 14 cracks")
    assert s.verdict == "supported"
    assert len(s.supported_by) >= 2
    assert example_result["Patriot Pulse Network"].id in s.contradicted_by


def test_inventions_and_slant(example_result):
    pulse = example_result["Patriot Pulse Network"]
    assert find(pulse, "death trap and everyone").verdict == "unsupported"
    assert find(pulse, "Sources inside City Hall").verdict == "unsupported"
    assert find(pulse, "Residents deserve answers").verdict == "opinion"
    assert find(pulse, "chilling reminder").verdict == "opinion"


def test_copy_sentences_are_supported_or_rest_on_their_original_only(example_result):
    ledger = example_result["Larkspur Ledger"]
    assert all(s.verdict == "supported" or s.only_in_copies for s in ledger.sentences)
    tunnel = find(ledger, "Northgate Tunnel")  # only the wire, which the Ledger copies, has it
    assert tunnel.verdict == "unsupported" and tunnel.only_in_copies and tunnel.independent_sources == 0


def test_a_headline_its_own_body_does_not_carry_is_flagged(example_result):
    wire = example_result["Coastline Wire"]
    assert wire.headline_support.verdict == "supported"
    assert "14 cracks" in wire.headline_support.evidence[0].text
    liberty = example_result["Liberty Wire Now"]  # "EXPOSED: The Merrow Bridge Death Trap City Hall Kept Secret"
    assert liberty.headline_support.verdict != "supported"
    assert liberty.headline.index == -1 and liberty.headline.verdict != "supported"
