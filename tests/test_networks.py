"""Rewrite networks on real pages (issue 23, item 5): pages cut at about 2,000 bytes, sentences
reordered and reworded, each copy adding its own line. Two fictional rewrites of one (absent)
wire story about a reservoir keep its rare wording; an independent report of the same event
does not. Our own texts, written for this test."""

from storycheck import compare
from storycheck._pipeline import segment_article, story_document
from storycheck._types import Article
from storycheck.story import find_families
from storycheck.story._derive import PHRASE_LINK, Derivation, Phrasing, derivations, word_pairs

RIDGELINE = (
    "Crews at the Halvard reservoir swung open all four spillway gates late on Sunday as the water climbed past "
    "its record mark. "
    "Riverside households in Lower Pennick were told by the county emergency desk to carry valuables upstairs "
    "before dawn. "
    "According to dam keeper Orla Brannigan, the concrete crest showed no fresh seepage during the overnight "
    "inspection. "
    "Forecasters expect a further forty millimetres of rain over the upper catchment before Tuesday evening. "
    "Readers in the valley sent us pictures of brown water churning beneath the old mill bridge. "
    "Hourly gauge readings will appear on the flood page of the regional water board until the surge has passed, "
    "a spokesperson for the board said, adding that the towpath between Pennick and Ashmere would stay closed "
    "until the"
)
VALLEY = (
    "No fresh seepage was found on the concrete crest after the overnight inspection, dam keeper Orla Brannigan "
    "said, to the relief of anxious neighbours. "
    "All four spillway gates at the Halvard reservoir were swung open on Sunday night, when the water rose past "
    "its record mark. "
    "A further forty millimetres of rain is expected over the upper catchment by Tuesday, forecasters said. "
    "A retired engineer told this site the gates had not been opened together since the winter of the great thaw. "
    "The county emergency desk has asked riverside households in Lower Pennick to carry valuables upstairs, "
    "and the regional water board is posting hourly gauge readings on its flood"
)
GAZETTE = (
    "Operators released water through every outlet of the Halvard dam on Sunday night after heavy rain pushed the "
    "lake to its highest level since records began. "
    "Emergency planners advised people living near the river in Lower Pennick to move belongings to higher floors. "
    "The engineer in charge said an inspection found the structure sound. "
    "More rain is forecast for the hills above the lake over the next two days. "
    "The water authority said it would keep the public informed as levels change."
)


def _articles() -> list[Article]:
    return [Article(id="ridgeline", outlet="Ridgeline Buzz", published="2026-03-02T06:00:00Z", text=RIDGELINE),
            Article(id="valley", outlet="Valley Wire Now", published="2026-03-02T07:30:00Z", text=VALLEY),
            Article(id="gazette", outlet="Pennick Gazette", published="2026-03-02T05:00:00Z", text=GAZETTE)]


def test_word_pairs_skip_function_words_and_read_any_script():
    pairs = word_pairs(segment_article(Article(id="x", text="Dam keeper Orla Brannigan said the crest held.")))
    assert {"dam keeper", "keeper orla", "orla brannigan"} <= set(pairs)
    assert not any("the" in p.split() for p in pairs)
    ru = word_pairs(segment_article(Article(id="y", text="Смотритель плотины Орла Бранниган осмотрела гребень.")))
    assert "смотритель плотины" in ru


def test_the_rewrites_share_rare_wording_the_independent_report_lacks():
    arts = [segment_article(a) for a in _articles()]
    ph = Phrasing(arts)
    alone = {"ridgeline": 0, "valley": 1, "gazette": 2}
    shared, share = ph.shared("ridgeline", "valley", alone)
    assert len(shared) >= PHRASE_LINK and share >= 0.5
    assert "orla brannigan" in shared and "spillway gates" in shared
    assert len(ph.shared("ridgeline", "gazette", alone)[0]) < 3
    assert len(ph.shared("valley", "gazette", alone)[0]) < 3


def test_a_page_cut_short_is_not_faulted_for_what_came_after_its_cut():
    ridgeline, valley, gazette = (segment_article(a) for a in _articles())
    cut = segment_article(Article(id="valley", text=VALLEY[: len(VALLEY) // 2]))
    groups = {"ridgeline": 0, "valley": 1, "gazette": 2}
    full, full_share = Phrasing([ridgeline, valley, gazette]).shared("ridgeline", "valley", groups)
    half, half_share = Phrasing([ridgeline, cut, gazette]).shared("ridgeline", "valley", groups)
    assert len(half) < len(full)  # the cut page holds less of the shared wording ...
    assert half_share >= 0.5  # ... but shares as much of the span it holds


def test_shared_phrasing_alone_derives_and_a_little_does_not():
    def d(n: int, share: float) -> Derivation:
        return Derivation("a", "b", (), 0.0, 0.0, 0.0, (), (), tuple(f"w{i} x{i}" for i in range(n)), share)

    assert d(PHRASE_LINK, 0.3).derived and d(6, 0.6).derived
    assert not d(5, 0.9).derived and not d(PHRASE_LINK - 1, 0.3).derived
    assert not d(3 * PHRASE_LINK, 0.1).derived  # two long reports of one event: many pairs, a small share


def test_truncated_reordered_rewrites_are_one_family_and_the_independent_report_stands_alone():
    arts = compare(_articles())
    groups = {frozenset(f.members) for f in find_families(arts)}
    assert frozenset({"ridgeline", "valley"}) in groups
    assert frozenset({"gazette"}) in groups
    d = derivations(arts)[("ridgeline", "valley")]
    assert d.phrased and "orla brannigan" in d.shared_phrasing


def test_a_line_only_the_network_carries_has_no_independent_source():
    arts = compare(_articles())
    doc = story_document(arts)
    valley = next(a for a in doc["articles"] if a["id"] == "valley")
    keeper = next(s for s in valley["sentences"] if "seepage" in s["text"])
    assert keeper["supported_by"] == ["ridgeline"]
    assert keeper["independent_sources"] == 0
    assert keeper["verdict"] != "supported"
    fam = next(f for f in doc["story"]["families"] if "valley" in f["members"])
    edge = fam["copies"][0]
    assert edge["evidence"]["shared_phrasing"] >= PHRASE_LINK


# Two wholly reworded pages of one (absent) wire report that both keep its dateline, and a
# report of the same event that files under its own name. Our own texts, written for this test.
HARBOUR = (
    "Storm Warning Shuts Ferries\n\n"
    "PORT ELLAND (Norwire) — Every ferry crossing between Port Elland and the Skerrow islands was halted on "
    "Monday as gales reached ninety kilometres an hour. "
    "The harbour master said the first sailing would leave no earlier than Wednesday morning. "
    "Islanders were urged to stock up on fuel and medicines."
)
ISLAND = (
    "Port Elland, 4 March (Norwire): Ferries to the Skerrow islands stayed in port on Monday because of gales of "
    "about ninety kilometres an hour. "
    "Wednesday morning is the earliest a boat could sail again, according to the harbour master. "
    "People on the islands have been told to buy fuel and medicine in case the storm lasts."
)
COAST = (
    "PORT ELLAND (Coast Courier) — High winds kept the Skerrow ferries tied up at their moorings on Monday. "
    "Our reporter on the quay counted eleven boats sheltering behind the breakwater."
)


def test_datelines_that_credit_one_filer_make_one_family():
    from storycheck.analyze import filed_by

    assert filed_by(HARBOUR) == "norwire" and filed_by(ISLAND) == "norwire"
    assert filed_by(COAST) == "coast courier"
    assert filed_by("LIVE (Updates) — the storm") is None  # a live blog's label, not a filer
    assert filed_by("Ferries stopped, the harbour said (Norwire) - more later") is None  # not a dateline
    arts = compare([Article(id="harbour", outlet="Elland Today", published="2026-03-04T08:00:00Z", text=HARBOUR),
                    Article(id="island", outlet="Skerrow Now", published="2026-03-04T09:00:00Z", text=ISLAND),
                    Article(id="coast", outlet="Coast Courier", published="2026-03-04T10:00:00Z", text=COAST)])
    doc = story_document(arts)
    fam = next(f for f in doc["story"]["families"] if "island" in f["members"])
    assert set(fam["members"]) == {"harbour", "island"}
    assert fam["copies"][0]["credited"] == "norwire"
    assert next(f for f in doc["story"]["families"] if "coast" in f["members"])["members"] == ["coast"]
    from storycheck.report._story import family_lines

    assert "  └ Skerrow Now files the same Norwire report as Elland Today" in family_lines(doc["story"])
    island = next(a for a in doc["articles"] if a["id"] == "island")
    sailing = next(s for s in island["sentences"] if "Wednesday" in s["text"])
    assert sailing["independent_sources"] == 0  # carried by the other page of the same report only


# An original and its later copy, which drifted one figure. Our own texts, written for this test.
MILL = (
    "The Tarrow mill bridge reopened on Friday after two years of repairs. "
    "The council said the work cost 42 million euros, paid from the regional roads fund. "
    "Cyclists and walkers may cross from Saturday morning. "
    "Lorries over twelve tonnes remain barred until the spring inspection."
)
MILL_COPY = MILL.replace("42 million", "24 million")


def test_within_a_family_the_later_copy_carries_the_change():
    def family_doc(first: str | None, second: str | None) -> dict:
        arts = compare([Article(id="mill", outlet="Tarrow Post", published=first, text=MILL),
                        Article(id="copy", outlet="Copy Farm", published=second, text=MILL_COPY)])
        doc = story_document(arts)
        assert {frozenset(f["members"]) for f in doc["story"]["families"]} == {frozenset({"mill", "copy"})}
        return {a["id"]: next(s for s in a["sentences"] if "million" in s["text"]) for a in doc["articles"]}

    dated = family_doc("2026-05-08T08:00:00Z", "2026-05-08T10:00:00Z")
    assert dated["copy"]["contradicted_by"] == ["mill"]  # the copy drifted the figure ...
    assert dated["copy"]["contradiction"]["type"] == "number"
    assert dated["mill"]["contradicted_by"] == []  # ... so the original is not faulted for it
    undated = family_doc(None, None)  # when the times cannot tell which came first, both keep it
    assert undated["mill"]["contradicted_by"] == ["copy"] and undated["copy"]["contradicted_by"] == ["mill"]


# A line its own copy family carries word for word is confirmed by another family only through a
# confident link (verify/_verify.py COPIED_LINE, CONFIRM_SCORE, CONFIRM_COSINE). Our own text.
def _settled(*links: tuple[str, float, float]) -> tuple[int | None, bool, str | None]:
    from storycheck._types import Evidence, Link
    from storycheck.verify import settle
    from storycheck.verify._verify import CONFIRM_COSINE, CONFIRM_SCORE, COPIED_LINE

    assert 0.5 < CONFIRM_SCORE < COPIED_LINE and 0 < CONFIRM_COSINE < 1
    art = segment_article(Article(id="copy", text="The towpath between Pennick and Ashmere stays closed until "
                                                  "the water board has inspected both locks."))
    s = art.sentences[0]
    s.links = [Link(a, 0, score, "carries", None, cos, Evidence(a, 0, "", score)) for a, score, cos in links]
    family = {"copy": "wire", "wire-site": "wire", "gazette": "gazette", "courier": "courier"}
    settle(s, source_of=lambda a: family.get(a, a), own="wire")
    return s.independent_sources, s.only_in_copies, s.verdict


def test_a_copied_line_counts_a_loose_outside_link_as_no_independent_source():
    n, only_copies, verdict = _settled(("wire-site", 0.97, 0.95), ("gazette", 0.6, 0.45), ("courier", 0.55, 0.5))
    assert n == 0 and only_copies and verdict != "supported"


def test_a_copied_line_keeps_an_outside_source_that_carries_it_surely():
    assert _settled(("wire-site", 0.97, 0.95), ("gazette", 0.75, 0.5))[0] == 1  # support high enough
    assert _settled(("wire-site", 0.97, 0.95), ("gazette", 0.55, 0.7))[0] == 1  # a close paraphrase
    n, only_copies, verdict = _settled(("wire-site", 0.97, 0.95), ("gazette", 0.8, 0.7), ("courier", 0.6, 0.4))
    assert n == 1 and not only_copies and verdict == "supported"


def test_a_line_no_copy_carries_counts_every_outside_link_as_before():
    assert _settled(("gazette", 0.6, 0.45), ("courier", 0.55, 0.5))[0] == 2
    assert _settled(("wire-site", 0.8, 0.7), ("gazette", 0.6, 0.45))[0] == 1  # its family rewords it: no copy


# Two excerpts of one (absent) wire report: each reorders and rewords it and adds its own lines,
# so too few sentences align, but both keep several runs of its narration word for word. An
# independent report of the same event shares only a passenger's quote with one of them.
# Our own texts, written for this test.
SUMMIT = (
    "Smoke poured from the northern portal of the Kessler rail tunnel on Thursday morning while rescue teams "
    "led 212 passengers out on foot through a service gallery. "
    "Investigators believe the fire started in a luggage van near the middle of the train, the operator said. "
    "Nobody was seriously hurt, although eleven people were checked for smoke inhalation. "
    "The line between Orsberg and Valdin will stay closed at least until Monday, because engineers must first "
    "check the tunnel lining for heat damage. "
    "Our readers shared videos of grey clouds drifting over the village of Tamsel. "
    "Until then a regional bus service replaces the trains every half hour."
)
TRAVEL = (
    "Travellers face disruption: the line between Orsberg and Valdin will stay closed for several days, "
    "officials warned on Thursday. "
    "A blaze in the Kessler rail tunnel forced crews to lead 212 passengers out on foot through a service "
    "gallery to the surface. "
    "According to the operator, the fire started in a luggage van near the middle of the train shortly after "
    "it entered the mountain. "
    "\"We heard a bang and then the lights went out and nobody knew where to go,\" one passenger told this site. "
    "Before any reopening, engineers must first check the tunnel lining for heat damage. "
    "A regional bus service replaces the trains in the meantime, with departures from both stations."
)
VALDIN = (
    "Fire broke out on a passenger train inside the Kessler tunnel on Thursday, and everyone aboard was "
    "evacuated through an emergency gallery. "
    "\"We heard a bang and then the lights went out and nobody knew where to go,\" a passenger said. "
    "The operator has not said what caused the blaze. "
    "Services between Orsberg and Valdin are suspended."
)


def _tunnel() -> list[Article]:
    return [Article(id="summit", outlet="Summit Daily Buzz", published="2026-06-04T09:00:00Z", text=SUMMIT),
            Article(id="travel", outlet="Travel Alerts Now", published="2026-06-04T10:00:00Z", text=TRAVEL),
            Article(id="valdin", outlet="Valdin Courier", published="2026-06-04T08:00:00Z", text=VALDIN)]


def test_passages_shared_outside_quotes_are_counted_and_a_shared_quote_is_not():
    from storycheck.story._families import PASSAGE_LINK, passage_pairs

    got = passage_pairs([segment_article(a) for a in _tunnel()])
    assert got[("summit", "travel")] >= PASSAGE_LINK
    assert ("travel", "valdin") not in got  # their one shared run lies inside a quote
    assert ("summit", "valdin") not in got
    # four shared runs that are only how anyone names a place or a time: too few content words
    one = Article(id="one", text="Trains stopped at the mouth of the Kessler tunnel on Thursday. Buses ran on the "
                                 "road between Orsberg and Valdin instead. The smoke cleared in the early hours of the "
                                 "morning. Repairs will continue for the rest of the week.")
    other = Article(id="other", text="Schools stay shut for the rest of the week as well. Firefighters arrived in the "
                                     "early hours of the morning, officials said. Police closed the road between "
                                     "Orsberg and Valdin overnight. Crowds gathered at the mouth of the Kessler tunnel "
                                     "by noon.")
    assert passage_pairs([segment_article(one), segment_article(other)]) == {}


def test_excerpts_sharing_passages_are_one_family_and_the_independent_report_stands_alone():
    from storycheck.story._families import PASSAGE_LINK, copy_pairs

    arts = compare(_tunnel())
    assert not copy_pairs(arts)  # too few sentences align: the passages are what links them
    assert not derivations(arts).get(("summit", "travel"), Derivation("", "", (), 0, 0, 0, (), ())).linked
    doc = story_document(arts)
    assert {frozenset(f["members"]) for f in doc["story"]["families"]} == {frozenset({"summit", "travel"}),
                                                                           frozenset({"valdin"})}
    fam = next(f for f in doc["story"]["families"] if "travel" in f["members"])
    edge = fam["copies"][0]
    assert edge["passages"] >= PASSAGE_LINK and edge["share"] == 0 and edge["parent"] == "summit"
    from storycheck.report._story import family_lines

    assert (f"  └ Travel Alerts Now keeps {edge['passages']} passages of Summit Daily Buzz's wording word for word"
            in family_lines(doc["story"]))
    travel = next(a for a in doc["articles"] if a["id"] == "travel")
    van = next(s for s in travel["sentences"] if "luggage van" in s["text"])
    assert van["supported_by"] == ["summit"] and van["independent_sources"] == 0
