"""Derivation groups (issue 14): a wire story retold by six sites that reword every
sentence, three of them sharing an invented quote and number, next to two
independent reports (examples/brackwell-derailment)."""

import json
import random
import re

import pytest
from conftest import ROOT, find

from storycheck import compare
from storycheck._pipeline import story_document
from storycheck.ingest import read_paths
from storycheck.story import find_families
from storycheck.story._derive import order_share

NETWORK = ROOT / "examples" / "brackwell-derailment"
WIRE = "Northstar Press"
SITES = {"Daily Current Hub", "NewsPulse Today", "Trendline Report", "Viral Ledger", "InfoStream 24", "Headline Harbor"}
INDEPENDENT = {"Brackwell Gazette", "Cresset Valley Radio"}
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


@pytest.fixture(scope="module")
def network():
    return {a.outlet: a for a in compare([NETWORK])}


def _groups(articles) -> set[frozenset[str]]:
    outlet = {a.id: a.outlet for a in articles}
    return {frozenset(outlet[m] for m in f.members) for f in find_families(articles)}


def test_every_site_sentence_keeps_under_half_the_words_of_any_wire_sentence():
    arts = {a.outlet: a for a in read_paths([NETWORK])}
    wire = [{w.lower() for w in _WORD.findall(s)} for s in arts[WIRE].text.splitlines() if s.strip()]
    for name in SITES:
        for line in (x for x in arts[name].text.splitlines() if x.strip()):
            words = {w.lower() for w in _WORD.findall(line)}
            kept = max(len(words & w) / len(w) for w in wire)
            assert kept < 0.5, (name, line, kept)


def test_the_wire_and_its_rewrites_are_one_group_and_the_independent_reports_stand_alone(network):
    groups = _groups(list(network.values()))
    assert frozenset(SITES | {WIRE}) in groups
    for name in INDEPENDENT:
        assert frozenset({name}) in groups  # not in one group with each other, nor with the wire


def test_the_rewrite_edges_carry_their_evidence(network):
    arts = list(network.values())
    doc = story_document(arts)
    outlet = {a.id: a.outlet for a in arts}
    fam = next(f for f in doc["story"]["families"] if outlet[f["original"]] == WIRE)
    assert fam["basis"] == "earliest"
    edges = {outlet[c["copy"]]: c for c in fam["copies"]}
    assert set(edges) == SITES
    rewritten = [c for c in edges.values() if "rewritten" in c["changes"]]
    assert len(rewritten) >= 3
    for c in rewritten:
        ev = c["evidence"]
        assert ev["claim_order"] >= 0.85 and ev["aligned_claims"] >= 5
        assert len(ev["pairs"]) == ev["aligned_claims"]
    carried = [c for c in edges.values() if any(x["kind"] == "quote" and "warned Greyline" in x["text"]
                                                for x in (c["evidence"] or {}).get("shared_innovations", []))]
    assert carried, "the invented quote is a shared innovation on some edge"
    json.dumps(doc)  # additive, serialisable


def test_the_invented_quote_and_number_have_no_independent_source(network):
    for name in ("Trendline Report", "Viral Ledger", "InfoStream 24"):
        s = find(network[name], "We warned Greyline")
        assert s.independent_sources == 0 and s.verdict != "supported", (name, s.verdict)
        assert s.quotes[0].status == "only_here"
    for name in ("Trendline Report", "Viral Ledger", "Headline Harbor"):
        s = find(network[name], "2,000 dead fish")
        assert s.independent_sources == 0 and s.verdict != "supported", (name, s.verdict)
        assert s.only_in_copies  # the other sites carry it: they are just not independent


def test_a_fact_an_independent_report_also_gives_has_an_independent_source(network):
    s = find(network[WIRE], "advised residents downstream")
    assert s.independent_sources >= 1 and s.verdict == "supported"
    assert network["Brackwell Gazette"].id in s.supported_by
    gazette = find(network["Brackwell Gazette"], "households downstream")
    assert gazette.independent_sources >= 1  # the wire's whole group counts once


def test_a_claim_only_the_group_carries_is_never_supported(network):
    arts = list(network.values())
    group = next(f for f in find_families(arts) if len(f.members) > 1)
    for a in arts:
        if a.id not in group.members:
            continue
        for s in a.sentences:
            outside = [ln for ln in s.links if ln.stance == "carries" and ln.article not in group.members]
            if not outside:
                assert s.verdict != "supported", (a.outlet, s.text)


def test_shuffled_input_gives_the_same_groups(network):
    base = _groups(list(network.values()))
    paths = sorted(NETWORK.iterdir())
    random.Random(3).shuffle(paths)
    assert _groups(compare(paths)) == base


def test_claim_order_is_the_increasing_share_of_the_aligned_claims():
    assert order_share([(0, 0), (1, 1), (2, 2), (3, 3)]) == 1.0
    assert order_share([(0, 3), (1, 2), (2, 1), (3, 0)]) == 0.25
    assert order_share([(0, 0), (1, 2), (2, 1), (3, 3)]) == 0.75
    assert order_share([]) == 0.0
