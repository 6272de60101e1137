"""A typed mismatch is a contradiction only when the compared slot is one (verify/_align.py)."""

from __future__ import annotations

from storycheck._types import Contradiction, Sentence
from storycheck.analyze import analyze_sentence, attribute
from storycheck.segment._furniture import is_furniture
from storycheck.verify._align import (
    attribution_aligned,
    confirm,
    entity_aligned,
    negation_aligned,
    number_conflict,
    time_conflict,
    times,
)
from storycheck.verify._quotes import reworded


def _sent(text: str, index: int = 0, language: str = "en") -> Sentence:
    s = Sentence(index=index, start=0, end=len(text), text=text)
    s.facts = analyze_sentence(text, language)
    s.attribution = attribute(text)
    return s


def _numbers(a: str, b: str, **kw: object) -> tuple[str, str] | None:
    fa, fb = analyze_sentence(a), analyze_sentence(b)
    hit = number_conflict(a, fa, b, fb, 0.02, None, True, **kw)  # type: ignore[arg-type]
    return (hit[0].text, hit[1].text) if hit else None


def test_lower_bounds_never_conflict_and_a_smaller_exact_count_does() -> None:
    assert _numbers("The quake killed at least two people in the city.",
                    "The quake killed at least three people in the city.") is None
    assert _numbers("The quake killed at least 20 people in the city.",
                    "The quake killed 12 people in the city.") is not None


def test_counts_in_other_roles_are_other_slots() -> None:
    assert _numbers("At least 144 people have died in the region.",
                    "More than 700 people have been injured in the region.") is None
    assert _numbers("Officials said 144 people have died in the region.",
                    "Officials said 150 people have died in the region.") is not None


def test_figures_with_nothing_in_common_around_them_are_not_compared() -> None:
    assert _numbers("The bridge rises 56 metres above the river.",
                    "The Dali, a ship 229 metres long, had left the port.") is None
    assert _numbers("The aftershock came 12 minutes later.", "The aftershock came 11 minutes later.") is not None


def test_a_growing_toll_from_an_earlier_article_is_no_conflict() -> None:
    a, b = "At the hall, 40 people were killed.", "At the hall, 133 people were killed."
    assert _numbers(a, b) is not None
    assert _numbers(a, b, published=("2024-03-22", "2024-03-24")) is None


def test_counts_of_one_day_still_conflict() -> None:
    # a toll updated by the hour and a rewrite that drifts "four injured" to "nine" hours later look
    # alike by their dates; the drift is what storycheck is for, so one day's counts still conflict
    a, b = "A crane fell on Tuesday, injuring four dock workers.", "A crane fell on Tuesday, injuring nine dock workers."
    assert _numbers(a, b, published=("2026-05-12T08:00:00Z", "2026-05-12T11:00:00Z")) is not None


def test_rounding_is_no_conflict() -> None:
    assert _numbers("The shares fell 16% on Monday.", "The shares fell 16.97% on Monday.") is None
    assert _numbers("The shares fell 12.5% on Monday.", "The shares fell 16.97% on Monday.") is not None


def test_names_by_place_cut_off_or_used_by_the_other_article_are_no_swaps() -> None:
    assert not entity_aligned("Powerful", "Deadly", "Powerful earthquake rocks the region",
                              "Deadly earthquake hits the region", "", "", True, True)
    assert not entity_aligned("O", "Oval Office", "He disrespected us in its cherished O",
                              "He disrespected us in its cherished Oval Office.", "", "", False, False)
    assert not entity_aligned("Moscow", "Russia", "citing Moscow’s broken agreements.",
                              "citing Russia’s commitment.", "Russia’s commitment to peace.", "Moscow’s years", False,
                              False)
    assert not entity_aligned("World War III", "World War Three", "gambling with World War III.",
                              "gambling with World War Three.", "", "", False, False)
    assert entity_aligned("ANI", "ABC News", "a customer told ANI.", "Scott Sanders told ABC News.",
                          "a customer told ANI.", "Scott Sanders told ABC News.", False, False)


def test_negation_in_a_clause_the_other_sentence_lacks_is_no_flip() -> None:
    a = _sent("The government declared a state of emergency in six regions, but it was not clear how help "
              "would get to many regions.")
    b = _sent("The government declared a state of emergency in six regions.")
    assert not negation_aligned(a, b, frozenset({"not"}))
    c = _sent("The government did not declare a state of emergency in six regions.")
    assert negation_aligned(c, b, frozenset({"not"}))


def test_attribution_needs_one_claim_and_sources_with_nothing_in_common() -> None:
    trump = _sent("Trump said Zelensky was being disrespectful after he pushed for security guarantees.")
    vance = _sent("“I think it’s disrespectful to come to the Oval Office,” Vance said.")
    assert not attribution_aligned(trump, vance)  # two claims
    a = _sent("The meeting was useful and both sides want peace, Smith said.")
    b = _sent("The meeting was useful and both sides want peace, Jones said.")
    assert attribution_aligned(a, b)
    both = _sent("The meeting was useful and both sides want peace, Smith and Jones said.")
    assert not attribution_aligned(both, b)  # both named in one sentence: roles
    assert attribute("Cybersecurity firm CrowdStrike said it was not a cyberattack.").source != "Strike"


def test_a_quote_change_needs_a_word_substituted() -> None:
    a, b = _sent("“What kind of diplomacy, JD, are you speaking about? What do you mean?”"), \
        _sent("“What kind of diplomacy, JD, you are speaking about,” he asked.")
    assert reworded(_quotes(a), _quotes(b)) is None
    c = _sent("“You are playing with World Warfare III,” he said.")
    d = _sent("“You are gambling with World War III,” he said.")
    assert reworded(_quotes(c), _quotes(d)) is not None


def _quotes(s: Sentence) -> list:  # type: ignore[type-arg]
    from storycheck.analyze import find_quotes

    return find_quotes(s.text)


def test_times_of_day_in_one_frame() -> None:
    assert times("At 1:30 a.m. ET (0530 GMT), a ship struck the bridge")[1][1:3] == ("UTC", 330)
    assert time_conflict("At 1:30 a.m. ET (0530 GMT), a ship struck", "At 1:27 a.m. EDT (0527 GMT), a ship struck")
    assert time_conflict("около 12:50 по местному времени", "vers 14h30 heure locale (06h30 GMT)")
    assert time_conflict("It struck at 01:28 EDT.", "It struck at 05:28 UTC.") is None  # a zone shift
    assert time_conflict("It struck around 1:30 p.m. local time.", "It struck at 1:10 p.m. local time.") is None
    assert time_conflict("It happened in 2024, 1500 people.", "It happened at 10 a.m.") is None


def test_confirm_keeps_an_aligned_number_and_drops_another() -> None:
    a, b = _sent("The ship is 289 metres long."), _sent("The ship is 229 metres long.")
    hit = Contradiction("number", "289 metres", "229 metres", "b", 0)
    kw = {"claim_article": a.text, "ev_article": b.text, "tol": 0.02, "carried": None, "same_language": True,
          "negators": frozenset({"not"})}
    assert confirm(hit, a, b, **kw) is not None  # type: ignore[arg-type]
    c = _sent("The bridge rises 56 metres above the river.")
    assert confirm(Contradiction("number", "289 metres", "56 metres", "c", 0), a, c, **kw) is None  # type: ignore[arg-type]


def test_publication_stamps_in_other_languages_are_furniture() -> None:
    for line in ("6 декабря, 14:48", "07 декабря 2025 в 04:50", "21.04.2025, 10:15", "Montag, 21. April 2025"):
        assert is_furniture(line), line
    for line in ("At 1:27 a.m.", "Pope Francis died on 21 April 2025.", "12 people died"):
        assert not is_furniture(line), line


# -- one quantity (issue 23): fictional sentences in several languages ---------------------------


def _cross(a: str, la: str, b: str, lb: str, **kw: object) -> tuple[str, str] | None:
    """A number conflict between sentences of two languages (no words to compare)."""
    fa, fb = analyze_sentence(a, la), analyze_sentence(b, lb)
    hit = number_conflict(a, fa, b, fb, 0.02, None, False, subjects=False, articles=(a, b), **kw)  # type: ignore[arg-type]
    return (hit[0].text, hit[1].text) if hit else None


def test_a_change_and_a_level_are_two_quantities() -> None:
    assert _cross("Vexor lost $40 billion in market value on Monday.", "en",
                  "Vexor war am Montag noch 900 Milliarden Dollar wert.", "de") is None
    assert _cross("Les actions Vexor ont chuté de 12 %, à 71 dollars.", "fr",
                  "Vexor shares fell 9% to $71.", "en") is not None  # the fall differs, the level agrees
    assert _cross("Vexor shares fell to $71 on Monday.", "en", "Акции Vexor упали на $9.", "ru") is None


def test_a_share_across_languages_needs_its_named_subject_on_both_sides() -> None:
    en = "On Monday, shares of Vexor fell 12%."
    assert _cross(en, "en", "Die Aktie von Korvani fiel am Montag um 10 Prozent.", "de") is None
    assert _cross(en, "en", "Die Vexor-Aktie fiel am Montag um 9 Prozent.", "de") is not None
    assert _cross(en, "en", "Акции Vexor упали на 9%.", "ru") is not None
    assert _cross("Shares of Vexor fell 12% on Monday.", "en", "Акции Korvani упали на 9%.", "ru") is None
    assert _cross("Les infirmières réclament une hausse de 21 %.", "fr", "The nurses want a 12 percent raise.",
                  "en") is not None  # nothing named on either side: the sentences' closeness decides


def test_sums_in_another_script_scale_and_bound_are_one_figure() -> None:
    en = "Vexor lost $589 billion in market value on Monday."
    assert _cross("Vexor perd 589 G$ de capitalisation.", "fr", en, "en") is None  # a scale letter
    assert _cross("Vexor perd 300 G$ de capitalisation.", "fr", en, "en") is not None
    assert _cross("Капіталізація Vexor скоротилася більш ніж на $570 млрд.", "uk", en, "en") is None  # a floor


def test_figures_an_order_of_magnitude_apart_across_languages_are_two_quantities() -> None:
    ru = "Президент Орлов скончался в 88 лет."
    en = "President Orlov ended a 12-year presidency."
    assert _cross(ru, "ru", en, "en", one_claim=True) is None  # an age and a tenure
    assert _cross("Президент Орлов правил 9 лет.", "ru", en, "en", one_claim=True) is not None
    assert _cross("Die Strecke bleibt mindestens 40 Tage gesperrt.", "de",
                  "The line will stay closed for at least 4 days.", "en") is not None  # a digit added


def test_counts_of_people_of_no_role_across_languages_need_one_claim() -> None:
    fr, en = "Environ 40 personnes se trouvaient dans la salle.", "About 90 people were in the hall."
    assert _cross(fr, "fr", en, "en") is None
    assert _cross(fr, "fr", en, "en", one_claim=True) is not None
    assert _cross("40 personnes ont été tuées dans la salle.", "fr", "90 people were killed in the hall.", "en") \
        is not None  # one role: one count


def test_dates_of_two_events_are_no_conflict() -> None:
    from storycheck._types import DateMention
    from storycheck.verify._align import _event_aligned

    born = DateMention("May 2, 1940", 5, 2, 1940, None, 10, 21)
    died = DateMention("June 9, 2026", 6, 9, 2026, None, 10, 22)
    no_year = DateMention("June 8", 6, 8, None, None, 10, 16)
    assert not _event_aligned("She was born on May 2, 1940.", born, "She died on June 9, 2026.", died, True, True)
    assert _event_aligned("She died on June 8.", no_year, "She died on June 9, 2026.", died, True, True,
                          ("2026-06-10", "2026-06-10"))
    assert not _event_aligned("Elle est morte le 8 juin.", no_year, "She died on June 9, 2026.", died, False,
                              False, ("2026-06-10", None))  # across languages: only between sentences of one claim
    assert not _event_aligned("It began on June 8.", no_year, "She died on June 9, 2026.", died, True, True,
                              ("2029-01-02", None))  # the article's own year is 2029: another June


def test_names_spelled_two_ways_are_one_name() -> None:
    assert not entity_aligned("Cardinal Ivo Farrel", "Cardinal Ivo Ferrell", "Cardinal Ivo Farrel read it.",
                              "Cardinal Ivo Ferrell read it.", "x", "y", False, False)
    assert not entity_aligned("Dearest", "Dear", 'He wrote: "Dearest friends, we are sad."',
                              'He wrote: "Dear friends, we are sad."', "x", "y", False, False)
    assert not entity_aligned("KorvaniVexor", "Vexor", "Shares of KorvaniVexor fell.", "Shares of Vexor fell.",
                              "x", "y", False, False)
    assert not entity_aligned("World War III. And", "World War Three", "gambling with World War III. And so",
                              "gambling with World War Three", "x", "y", False, False)
    assert entity_aligned("Pelham", "Ostrova", "The deal was signed by Pelham.", "The deal was signed by Ostrova.",
                          "x", "y", False, False)


def test_a_whole_its_part_and_a_model_number_are_not_two_versions() -> None:
    assert _numbers("The jet carried 150 passengers and 8 crew members.",
                    "The jet carried 158 passengers.") is None  # 150 + 8: a whole and its part
    assert _numbers("The jet carried 158 passengers and crew.", "The jet carried 150 passengers.") is None
    assert _numbers("The jet carried 158 passengers.", "The jet carried 150 passengers.") is not None
    assert _numbers("A Skyliner 525 jet crashed.", "A Skyliner 525-9 jet crashed.") is None
    assert _cross("An Bord waren 158 Menschen (150 Passagiere und 8 Besatzungsmitglieder).", "de",
                  "The jet carried 158 passengers.", "en", one_claim=True) is None


def test_credits_and_abbreviations_are_no_name_swaps() -> None:
    assert not entity_aligned("Pa", "Pennsylvania", "The rally in Corvale, Pa. ended early.",
                              "The rally in Corvale, Pennsylvania ended early.", "x", "y", False, False)
    assert not entity_aligned("LENA ORSO", "MIRA VANT", "(Photo by LENA ORSO / AFP) The plant closed.",
                              "(Photo by MIRA VANT / AFP) The plant closed.", "x", "y", False, False)


def test_people_not_named_against_authorities_not_named_is_one_sourcing() -> None:
    anon = _sent("The fire at the mill was set on purpose, a source told the Corvale Courier.")
    assert not attribution_aligned(anon, _sent("Authorities said the fire at the mill was set on purpose."))
    assert not attribution_aligned(_sent("A witness told the Courier she saw a man on the mill roof."),
                                   _sent("Witnesses said they saw a man on the mill roof."))
    assert attribution_aligned(_sent("The fire at the mill was set on purpose, a source told the Corvale Courier."),
                               _sent("Mayor Ivo Pelham said the fire at the mill was set on purpose."))


def test_a_change_is_read_near_its_figure() -> None:
    from storycheck.verify._align import _is_change

    def change(text: str) -> bool:
        return _is_change(text, analyze_sentence(text).quantities[0])

    assert change("Vexor lost close to $600 billion on Monday.")  # 'close to' is no destination
    assert not change("Monday's losses brought Vexor's market value back under $3 trillion.")
    assert not change("Vexor shares fell to $71 on Monday.")
    assert change("Die Vexor-Aktie ist am Montag um 9 Prozent eingebrochen.")


# -- what a figure counts (issue 23, this round): fictional sentences --------------------------------


def test_a_figure_within_a_range_is_no_conflict() -> None:
    assert _cross("Die Liste Grünwald kommt laut Prognose auf 172 bis 192 Sitze.", "de",
                  "La liste Grünwald obtient selon la projection 180 sièges.", "fr") is None
    assert _numbers("The Harbor League was credited with 120 to 150 seats.",
                    "The Harbor League was credited with 200 seats.") is not None


def test_a_depth_and_a_distance_are_two_lengths() -> None:
    assert _numbers("The quake struck at a depth of 18 kilometres below the valley.",
                    "The quake struck the valley 71 kilometres south-west of Dornhal.") is None


def test_rates_of_two_things_are_two_quantities() -> None:
    assert _cross("La banque prévoit un chômage de 4,4% cette année.", "fr",
                  "O banco prevê inflação de 2,3% este ano.", "pt") is None
    assert _cross("La banque prévoit un chômage de 4,4% cette année.", "fr",
                  "O banco prevê desemprego de 4,9% este ano.", "pt") is not None


def test_percentage_points_are_not_a_percent_and_basis_points_are_points() -> None:
    assert _numbers("The Tessaly bank cut its rate by 50 basis points to 3.5%.",
                    "The Tessaly bank cut its rate by 0.5 percentage points to 3.5%.") is None
    assert _numbers("The Tessaly bank cut its rate by 25 basis points.",
                    "The Tessaly bank cut its rate by 0.5 percentage points.") is not None


def test_an_age_is_not_another_count_of_years() -> None:
    assert _cross("La loi limite la peine à 20 ans.", "fr",
                  "Il giudice Orsini, 77 anni, ha letto la sentenza.", "it") is None
    assert _cross("La loi limite la peine à 20 ans.", "fr", "La legge limita la pena a 25 anni.", "it") is not None
