"""Slots read across whole articles: the time each lead gives its event, ages of one person, a
person under two names, counts stated as a sum, weekdays (verify/_align.py, verify/_typed.py,
analyze/_ages.py). Every sentence here is our own fiction."""

from __future__ import annotations

from storycheck import Article, compare
from storycheck.analyze import analyze_sentence, resolve_dates
from storycheck.analyze._ages import ages
from storycheck.verify._align import age_conflict, age_name_swap, lead_conflict, lead_time, number_conflict, times
from storycheck.verify._typed import Carried, find_contradiction


def _numbers(a: str, b: str) -> tuple[str, str] | None:
    fa, fb = analyze_sentence(a), analyze_sentence(b)
    hit = number_conflict(a, fa, b, fb, 0.02, Carried.of([fb]), True)
    return (hit[0].text, hit[1].text) if hit else None


# -- times of day in every written form ------------------------------------------------------------

def test_times_in_every_written_form() -> None:
    assert [t[1:3] for t in times("The ferry left at 1339 hrs.")] == [(None, 819)]
    assert [t[1:3] for t in times("The ferry left at 1339 IST (0809 UTC).")] == [("IST", 819), ("UTC", 489)]
    assert [t[1:3] for t in times("It sank at about 1.40 pm.")] == [(None, 820)]
    assert [t[1:3] for t in times("It sank at 9.07 a.m. local time (8.07 a.m. Manila time).")] == [
        ("local", 547), ("Manila", 487)]  # a place's time is a frame of its own, not local time
    assert times("Die Fähre legte um 13:38 Uhr Lokalzeit ab.")[0][1:3] == ("local", 818)
    assert times("A little after 6 p.m. the mayor arrived.")[0][3]  # approximate


def test_leads_that_time_their_event_differently_conflict() -> None:
    a = lead_time(["Ferry sinks off Coral Point", "The ferry Marisol sank off Coral Point at 13:38 local time."])
    b = lead_time(["The Marisol capsized around 6:30 AM local time, witnesses said."])
    c = lead_time(["The Marisol went down at about 1.40 pm on Friday."])
    assert a is not None and a[0] == 1 and lead_conflict(a, b) == ("13:38 local time", "6:30 AM local time")
    assert lead_conflict(a, c) is None  # about 1.40 pm: within half an hour of 13:38
    shifted = lead_time(["The Marisol sank at 08:08 UTC."])
    assert lead_conflict(a, shifted) is None  # another frame: a zone shift is no conflict


def test_planned_times_and_page_stamps_are_no_lead_time() -> None:
    assert lead_time(["The ferry was scheduled to arrive at 18:25.", "It sank at 13:38."])[1][0] == "13:38"  # type: ignore[index]
    assert lead_time(["Updated 12 March 2031, 10:58", "The ferry sank at 13:38."])[1][0] == "13:38"  # type: ignore[index]
    assert lead_time(["One", "Two", "Three", "Four", "Five", "The ferry sank at 13:38."]) is None  # past the lead


def test_a_lead_time_conflict_through_compare() -> None:
    a = Article(id="a", outlet="A", text="The ferry Marisol sank off Coral Point at 13:38 local time. "
                                         "Rescuers pulled 40 people from the water.")
    b = Article(id="b", outlet="B", text="Harbour officials opened an inquiry into the loss of the Marisol. "
                                         "The ferry capsized around 6:30 AM local time in calm seas.")
    c = Article(id="c", outlet="C", text="The ferry Marisol went down off Coral Point at about 1.40 pm.")
    x, y, z = compare([a, b, c])
    assert "b" in x.sentences[0].contradicted_by and "a" in y.sentences[1].contradicted_by
    assert "c" not in x.sentences[0].contradicted_by and "a" not in z.sentences[0].contradicted_by


# -- ages, keyed to the person ---------------------------------------------------------------------

def test_ages_in_the_languages_we_read() -> None:
    for text, value in (("The pilot, a 47-year-old from Tarnby, was unhurt.", 47),
                        ("The pilot, aged 47, was unhurt.", 47), ("The pilot is 47 years old.", 47),
                        ("The co-pilot, Brandt, 47, was unhurt.", 47), ("Captain Orla Fenn (47) was unhurt.", 47),
                        ("Der 47-jährige Pilot blieb unverletzt.", 47), ("Le pilote, âgé de 47 ans, est indemne.", 47),
                        ("47-летний пилот не пострадал.", 47), ("47-річний пілот не постраждав.", 47),
                        ("A 47 éves pilóta sértetlen.", 47)):
        assert [a.value for a in ages(text)] == [value], text
    assert ages("The ferry has been in service for 16 years.") == []  # a duration, not an age
    assert ages("On Sunday, 29, the ferry sank.") == []  # a weekday is nobody
    assert [a.value for a in ages("Two deckhands aged 24 and 31 survived.")] == [24, 31]
    assert ages("The co-pilot, Brandt, 47, was unhurt.")[0].name == "Brandt"


def test_another_age_of_one_person_conflicts() -> None:
    claim = ages("The deckhand, Brandt, 31, was pulled from the water.")
    assert age_conflict(claim, [ages("The deckhand Mr. Brandt (32) was taken to hospital.")]) is not None
    # a named person against an unnamed one: nothing says they are one person (ECB+ dev: a named sister's
    # age against an unnamed man's, her brother's)
    assert age_conflict(claim, [ages("A 32-year-old deckhand was pulled from the water.")]) is None
    # one surname, ages three years apart: two people of one family ("John Brandt, 34" / "his sister Brandt, 31")
    assert age_conflict(claim, [ages("Her brother, Brandt, 34, was charged.")]) is None
    # the other article also gives 31 somewhere: one of its ages is this person's
    assert age_conflict(claim, [ages("A 32-year-old deckhand was rescued."), ages("Brandt, 31, survived.")]) is None
    # another person (another name), a far-off age, or nothing in common around it: no conflict
    assert age_conflict(claim, [ages("The captain, Ostrow, 32, was unhurt.")]) is None
    assert age_conflict(claim, [ages("A 58-year-old deckhand was pulled from the water.")]) is None
    assert age_conflict(claim, [ages("The mayor, a 32-year-old lawyer, spoke to reporters.")]) is None
    # a man and a woman are two people, whatever else the words around their ages share
    assert age_conflict(ages("A 45-year-old man was killed in the blast."),
                        [ages("A 48-year-old woman was killed in the blast.")]) is None
    assert age_conflict(ages("A 46-year-old fisherman drowned off the pier."),
                        [ages("A 48-year-old fisherman drowned near the pier.")]) is not None
    # one word in common ("killed") is the story's vocabulary, not the person's
    assert age_conflict(ages("A 46-year-old man was killed in the blast."),
                        [ages("A 48-year-old man was killed in the blast.")]) is None


def test_a_person_under_two_names_among_the_same_people() -> None:
    own = [ages("The deckhand, Brandt, 31, was rescued."), ages("The other survivor, Kessel, 26, was hurt.")]
    theirs = [ages("The male crew member, Mr. Brandt (32), was rescued."), ages("Ms. Kasova (26) was hurt.")]
    own_text = "The deckhand, Brandt, 31, was rescued. The other survivor, Kessel, 26, was hurt."
    their_text = "The male crew member, Mr. Brandt (32), was rescued. Ms. Kasova (26) was hurt."
    hit = age_name_swap(own[1], own, theirs, own_text, their_text)
    assert hit is not None and (hit[0].name, hit[1].name) == ("Kessel", "Kasova")
    # no named person in common: nothing says the two lists are of the same people
    strangers = [ages("The captain, Ostrow, 50, was rescued."), ages("Ms. Kasova (26) was hurt.")]
    assert age_name_swap(own[1], own, strangers, own_text, "The captain, Ostrow, 50. Ms. Kasova (26).") is None
    # the other article also names Kessel: two people, not one under two names
    assert age_name_swap(own[1], own, theirs, own_text, their_text + " Kessel was treated later.") is None


# -- counts stated as a sum ------------------------------------------------------------------------

def test_a_sum_is_compatible_and_its_exact_parts_are_compared_exactly() -> None:
    assert _numbers("The ferry carried 175 passengers and 6 crew.", "There were 181 people on board.") is None
    assert _numbers("There were 181 people on board.", "The ferry carried 175 passengers and 6 crew.") is None
    # 232 passes for 230 under the 2% tolerance, unless 230 is a part of a sum the sentence states
    assert _numbers("The ferry carried 232 passengers and 12 crew.",
                    "The ferry had 242 people on board, 230 passengers and 12 crew.") is not None
    assert _numbers("The ferry carried 232 passengers.", "The ferry carried 230 passengers.") is None
    a = "The ferry carried 232 passengers and 12 crew."
    b = "The ferry had 242 people on board, 230 passengers and 12 crew."
    fa, fb = analyze_sentence(a), analyze_sentence(b)
    assert find_contradiction(fb, fa, article="a", sentence=0, carried=Carried.of([fa])) is not None


def test_a_count_with_a_count_of_its_own_after_and_is_no_total() -> None:
    # "232 Passagiere und zwölf Besatzungsmitglieder" is a count of passengers, not of everyone on board
    assert _numbers("The ferry carried 242 passengers and crew.",
                    "The ferry carried 232 passengers and twelve crew.") is None


# -- weekdays ----------------------------------------------------------------------------------------

def test_a_weekday_names_only_days_of_its_weekday() -> None:
    a = "The ferry sank on Wednesday off Coral Point, killing 12."
    b = "The ferry sank off Coral Point on Thursday, killing 12."
    fa, fb = analyze_sentence(a), analyze_sentence(b)
    resolve_dates(fa, a, "en", "2031-06-12")  # a Thursday: "Wednesday" is the 11th
    resolve_dates(fb, b, "en", "2031-06-12T14:07:00Z")  # "Thursday": the 12th or the 5th, never the 11th
    hit = find_contradiction(fa, fb, article="b", sentence=0)
    assert hit is not None and (hit.claim_span, hit.evidence_span) == ("Wednesday", "Thursday")
    c = "The ferry sank off Coral Point on Wednesday, killing 12."
    fc = analyze_sentence(c)
    resolve_dates(fc, c, "en", "2031-06-12T14:07:00Z")
    assert find_contradiction(fa, fc, article="c", sentence=0) is None


def test_one_day_given_two_weekdays_conflicts() -> None:
    a = analyze_sentence("The strike began on Friday, March 14, at the port.")
    b = analyze_sentence("The strike began Thursday (March 14) at the port.")
    hit = find_contradiction(a, b, article="b", sentence=0)
    assert hit is not None and (hit.claim_span, hit.evidence_span) == ("Friday, March 14", "Thursday (March 14)")
    c = analyze_sentence("The strike began on Friday (March 14) at the port.")
    assert find_contradiction(a, c, article="c", sentence=0) is None


def test_a_unit_spelled_two_ways_is_one_unit() -> None:
    assert _numbers("The ferry is 129 meters long.", "The ferry is 192 metres long.") is not None
    assert _numbers("A 30-storey hotel swayed.", "A 33-story hotel swayed.") is not None
    assert _numbers("The ferry is 129 meters long.", "The ferry is 129 metres long.") is None


def test_how_long_after_one_event() -> None:
    from storycheck.analyze import durations
    from storycheck.verify._align import duration_conflict

    five = durations("The ferry capsized just five minutes after leaving the pier.")
    assert [(d.event, d.low, d.high) for d in five] == [("lea", 240.0, 360.0)]
    under = durations("It capsized less than a minute after leaving the pier, the coastguard said.")
    assert duration_conflict(five, [under]) is not None
    assert duration_conflict(five, [durations("It capsized about six minutes after leaving the pier.")]) is None
    assert duration_conflict(five, [durations("It capsized two minutes after the alarm.")]) is None  # another event
    # a witness's words in a quote are an impression, not a figure
    assert durations("“Thirty seconds after leaving the pier, it rolled over,” he said.") == []
    assert durations("Die Fähre kenterte zwei Minuten nach dem Ablegen.")[0].low == 96.0
    assert durations("Паром перевернулся через 5 минут после отплытия.")[0].high == 360.0


def test_one_day_with_two_weekdays_across_articles() -> None:
    from storycheck.verify._align import weekday_day_conflict

    def dated(text: str) -> list:  # type: ignore[type-arg]
        return analyze_sentence(text).dates

    claim = dated("The strike began on Friday, March 14, at the port.")
    assert weekday_day_conflict(claim, [dated("Dockers stopped work."), dated("It started Thursday (March 14).")])
    # the other article also gives the claim's weekday somewhere: no conflict
    assert weekday_day_conflict(claim, [dated("It started Thursday (March 14)."), dated("Friday, March 14.")]) is None
    assert weekday_day_conflict(claim, [dated("It started Thursday (March 13).")]) is None  # another day


def test_the_time_of_a_statement_is_no_lead_time() -> None:
    assert lead_time(["At 9:07 a.m., the harbour master said all ferries would stay in port."]) is None
    assert lead_time(["The company posted a statement on its website at 5:45 a.m. about the ferry."]) is None
    lead = lead_time(["Radio Corval said the ferry sank at 9.07am local time."])
    assert lead is not None and lead[1][0] == "9.07am local time"


def test_leads_that_name_their_event_day_by_two_weekdays() -> None:
    from storycheck.verify._align import lead_day, lead_day_conflict

    def lead(texts: list[str], published: str) -> tuple[int, object] | None:
        out = []
        for t in texts:
            f = analyze_sentence(t)
            resolve_dates(f, t, "en", published)
            out.append(f.dates)
        return lead_day(out)

    a = lead(["Ferry sinks", "Twelve people were killed on Wednesday when the ferry sank."], "2031-06-12")
    b = lead(["The ferry sank off Coral Point on Thursday."], "2031-06-12T14:07:00Z")
    assert a is not None and a[0] == 1
    hit = lead_day_conflict(a, b, ("2031-06-12", "2031-06-12T14:07:00Z"))  # type: ignore[arg-type]
    assert hit is not None and (hit[0].text, hit[1].text) == ("Wednesday", "Thursday")
    # articles of different days may lead with different events; a dated lead is no weekday lead
    later = lead(["The inquiry opened on Thursday."], "2031-06-19")
    assert lead_day_conflict(a, later, ("2031-06-12", "2031-06-19")) is None  # type: ignore[arg-type]
    assert lead(["The ferry sank on June 12."], "2031-06-12") is None


def test_page_stamps_and_game_clocks_are_no_lead_time() -> None:
    from storycheck.verify._align import lead_time

    for stamp in ("11:39am UK, Monday 09 September 2013", "12 / 23 / 12 06:03 PM ET EST", "Dec. 24 4:33 AM EST",
                  "12 January 2010 @ 09:29 pm", "PUBLISHED FRIDAY, MARCH 8, 2013 AT 12:46 PM / UPDATED AT 12:48 PM"):
        assert lead_time([stamp]) is None, stamp
    assert lead_time(["Okafor levelled with 14:05 left in the half, then scored again."]) is None
    assert lead_time(["The ferry sank at 9:03 a.m. local time off Skerrow."]) is not None
