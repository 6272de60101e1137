"""Slots aligned before they are compared: a typed mismatch becomes a contradiction only
when both sentences speak of the same thing.

The claim model's features keep the plain typed check (verify/_typed.py); this module
confirms a mismatch before a sentence is marked contradicted:

* numbers: two lower bounds never conflict ("at least two dead" / "at least three dead"),
  a lower bound conflicts only with a smaller value; counts in different roles (killed /
  injured / missing) are different slots; in one language, the words around the two
  figures must share something (a bridge's 56 metres is not a ship's 229 metres);
* names: a word that is a name only by its place (the first word of a sentence or a
  title-case headline), a fragment cut at the page's end, a name the other article also
  uses, a numeral written two ways (World War III / Three) are not swaps;
* negation: the clause the 'not' stands in must be one both sentences hold;
* attribution: only between sentences that make one claim, and only sources of one kind
  with nothing in common (an outlet and the people it cites, a company and its chief,
  a document and who published it are one sourcing, nested).
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from .._time import day_of, surely_before
from .._types import Contradiction, DateMention, Facts, Quantity, Sentence
from ..analyze import Age, Attribution, Duration, added_layers, ages
from ..analyze._lexicon import MONTHS, NUMBER_WORDS, STOPWORDS, WEEKDAYS
from ..lang import LEXICON_LANGUAGES, lexicon, skeleton
from ._names import name_key
from ._typed import APPROX_TOLERANCE, Carried, _date_conflict, _loose, _same_entity, pair_tolerance, same_value

#: Two lower bounds this many times apart ("at least 4 days" / "at least 40 days") are a changed
#: figure, not two true floors of a count.
LOWER_BOUNDS_APART = 8.0
#: A preposition (and a currency sign) may stand between a bound and its figure ("more than by $5",
#: "більш ніж на $570 млрд", "um mehr als 5 Prozent").
_BY = r"(?:\s+(?:by|на|um|de|di|of))?\s*[$€£₽₴]?\s*$"
_LOWER = re.compile(
    r"(?:at least|more than|over|upwards of|in excess of|no fewer than|no less than|не менее|более|больше|"
    r"более чем|больше чем|по меньшей мере|по крайней мере|свыше|понад|щонайменше|не менше|більше|більш ніж|"
    r"mindestens|mehr als|über|au moins|plus de|legalább|több mint|almeno|più di|oltre)" + _BY, re.IGNORECASE)
_UPPER = re.compile(r"(?:up to|as many as|fewer than|less than|under|no more than|до|менее|менше|bis zu|weniger als|"
                    r"jusqu'à|jusqu’à|moins de|legfeljebb|fino a|meno di)" + _BY, re.IGNORECASE)

#: Roles of a count, by word beginnings in the languages we read: two counts of people in
#: different roles are two slots.
_ROLES = {
    "dead": ("kill", "dead", "die", "death", "toll", "fatal", "perish", "live", "погиб", "жертв", "смерт", "загин",
             "убит", "tot", "getötet", "starb", "mort", "tué", "décè", "meghal", "halott", "áldozat", "mort", "vittim",
             "uccis", "decedut"),
    "injured": ("injur", "wound", "hurt", "ранен", "поранен", "травм", "verletz", "bless", "sérül", "ferit"),
    "missing": ("missing", "trapp", "buri", "unaccounted", "пропа", "завал", "зник", "vermisst", "verschütt",
                "dispar", "piég", "eltűn", "dispers", "intrappol"),
    "rescued": ("rescu", "pulled", "surviv", "alive", "спас", "выжив", "врят", "gerettet", "überleb", "sauv",
                "secour", "surviv", "túlél", "kimentet", "salvat"),
    "arrested": ("arrest", "detain", "задерж", "арест", "затрим", "festgenommen", "verhaftet", "interpell", "arrêt",
                 "őrizetbe", "letartóztat", "arrestat", "ferma"),
}
_ROLE_WORD = re.compile(r"[^\W\d_]+")
_SPEECH = frozenset({"said", "says", "say", "told", "according", "report", "reported", "added", "stated", "noted"})


def _bound(text: str, q: Quantity) -> str | None:
    """'lower' (at least, more than), 'upper' (up to, as many as), 'approx' or None (exact)."""
    before = text[max(0, q.start - 30) : q.start]
    if _LOWER.search(before):
        return "lower"
    if _UPPER.search(before):
        return "upper"
    return "approx" if q.approx else None


def values_conflict(a: float, ba: str | None, b: float, bb: str | None, tol: float) -> bool:
    """Whether a value with its bound and another cannot both be true."""
    if ba == "lower" and bb == "lower":  # both can be true, unless a digit was dropped or added (4 / 40 days)
        return max(a, b) >= LOWER_BOUNDS_APART * max(min(a, b), 1e-9)
    if ba == "lower" or bb == "lower":
        low, other, ob = (a, b, bb) if ba == "lower" else (b, a, ba)
        slack = APPROX_TOLERANCE if ob == "approx" else tol
        return other < low * (1 - slack) - 1e-9
    if (ba == "upper") != (bb == "upper") and None in (ba, bb):
        high, other = (a, b) if ba == "upper" else (b, a)
        return other > high * (1 + tol) + 1e-9
    return not same_value(a, b, APPROX_TOLERANCE if "approx" in (ba, bb) else tol)


_MANTISSA = re.compile(r"\d+(?:[.,]\d+)*")


def _step(q: Quantity) -> float:
    """How finely a figure is written: 0.01 for "16.97%", 1 for "16%", 100 billion for
    "$600 billion" (the trailing zeros of a figure with a scale word are rounding)."""
    m = _MANTISSA.search(q.text)
    if m is None:
        return 0.0
    raw = m.group(0)
    dec = re.fullmatch(r"\d+[.,](\d{1,2})", raw)  # 1-2 digits after the mark: a decimal, not thousands
    try:
        mantissa = float(raw.replace(",", ".")) if dec else float(raw.replace(",", "").replace(".", ""))
    except ValueError:
        return 0.0
    if not mantissa:
        return 0.0
    scale = q.value / mantissa
    if dec:
        return float(10 ** -len(dec.group(1))) * scale
    zeros = len(raw) - len(raw.rstrip("0")) if scale >= 1000 else 0
    return float(10**zeros) * scale


def _rounding(a: Quantity, b: Quantity) -> bool:
    """Whether one figure is the other written more coarsely (rounded or cut): they differ by
    less than the coarser one's last digit ("16%" / "16.97%", "$600 billion" / "$589 billion")."""
    return abs(a.value - b.value) < max(_step(a), _step(b)) - 1e-9


def _nearest_kind(text: str, q: Quantity, kinds: dict[str, tuple[str, ...]], width: int = 50) -> str | None:
    """The kind (of ``kinds``: kind -> word beginnings) of the word nearest to a figure within ``width``
    characters; a tie goes to the kind listed first."""
    best: tuple[int, str] | None = None
    lo = max(0, q.start - width)
    for m in _ROLE_WORD.finditer(text[lo : q.end + width]):
        w = m.group(0).lower()
        if w == "die" and m.group(0) == "Die" or w in ("der", "das"):
            continue  # the German article, not the English verb
        for kind, stems in kinds.items():
            if any(w.startswith(s) for s in stems):
                a = lo + m.start()
                d = q.start - a if a < q.start else a - q.end
                if best is None or d < best[0]:
                    best = (d, kind)
    return best[1] if best else None


def _role(text: str, q: Quantity) -> str | None:
    """The role of a count: the role word nearest to it within 50 characters."""
    return _nearest_kind(text, q, _ROLES)


def _context(text: str, q: Quantity, units: set[str], width: int = 5) -> set[str]:
    """Word beginnings around a figure (the figure, its unit, speech verbs and short words left out)."""
    unit = q.unit.lower()[:5]
    # names, and the units of the sentence's other figures ("16 kilometres (9.9 miles)"), say nothing of what is counted
    before = [w for w in _ROLE_WORD.findall(text[: q.start]) if not w[0].isupper()][-width * 2 :]
    after = [w for w in _ROLE_WORD.findall(text[q.end :]) if not w[0].isupper()][: width * 2]
    keep = [w for w in before if _plain(w)][-width:] + [w for w in after if _plain(w)][:width]
    return {w[:5] for w in keep} - {unit} - units


def _year(d: DateMention, published: str | None) -> int | None:
    """A date's year: as written, else its article's (a news article's "March 3" is of its own year)."""
    if d.year:
        return d.year
    if not d.month and d.resolved is not None and d.resolved[0].year == d.resolved[1].year:
        return d.resolved[0].year  # a weekday alone: the year of the day it names ("on Wednesday", 31 December)
    day = day_of(published)
    return int(day[:4]) if day and day[:4].isdigit() else None


def _event_aligned(claim_text: str, d: DateMention, ev_text: str, e: DateMention, same_language: bool,
                   one_claim: bool, published: tuple[str | None, str | None] = (None, None)) -> bool:
    """Whether two dates are of one event: in one language the words around them share
    something; across languages the two sentences say the same as a whole."""
    yd, ye = _year(d, published[0]), _year(e, published[1])
    if yd and ye and yd != ye and (d.month, d.day) != (e.month, e.day):
        return False  # year, month and day all apart: two events (a birth and a death), not one misdated
    if not same_language:
        return one_claim  # across languages no words to compare: the two sentences must say one thing
    cd = _context(claim_text, Quantity(d.text, 0.0, "", d.start, d.end), set())
    ce = _context(ev_text, Quantity(e.text, 0.0, "", e.start, e.end), set())
    return not (cd and ce) or bool(cd & ce)


def _plain(word: str) -> bool:
    return len(word) > 3 and word not in _SPEECH and word not in STOPWORDS


#: Units that measure rather than count (a stretch of river, a price, a duration): never a growing toll.
_MEASURES = ("%", "$", "€", "£", "¥", "₽", "₴", "km", "kilomet", "metr", "meter", "mile", "feet", "foot", "day",
             "hour", "minut", "week", "month", "year", "tonne", "ton", "litre", "liter", "euro", "dollar")


def _running(claim_value: float, ev_value: float, published: tuple[str | None, str | None]) -> bool:
    """Whether the smaller of two counts comes from an article published on an earlier day (a
    toll is updated from one day to the next; hours apart, a bigger count is a changed figure)."""
    early, late = published if claim_value < ev_value else published[::-1]
    da, db = day_of(early), day_of(late)
    return bool(da and db and da < db and surely_before(early, late))


_CAPWORD = re.compile(r"(?<![\w’'-])[A-ZА-ЯЁЄІЇҐ][\w’'-]+")
_OPENING = "«„\"“‚'(—– "
_NOT_SUBJECT = frozenset(w.capitalize() for w in (*STOPWORDS, *MONTHS, *WEEKDAYS)) | {
    "According", "Officials", "Police", "Authorities", "Reuters", "AP", "AFP", "Bloomberg"}


def _subject(text: str, q: Quantity) -> str | None:
    """The name just before a figure, within 40 characters: what it is a figure of ("Nvidia fell 17%")."""
    lo = max(0, q.start - 40)
    first = len(text) - len(text.lstrip("«„\"“‚'(—– "))  # the first word is capitalised by its place
    names = [m.group(0) for m in _CAPWORD.finditer(text[lo : q.start]) if lo + m.start() != first
             and m.group(0).rstrip("’'s") not in _NOT_SUBJECT and m.group(0) not in _NOT_SUBJECT]
    return names[-1] if names else None


def _other_subject(claim_text: str, q: Quantity, ev_text: str, e: Quantity,
                   articles: tuple[str, str] | None = None) -> bool:
    """Whether two figures are of two named things: each has a name just before it, and neither
    name is in the other sentence ("Nvidia fell 17%" / "the Nasdaq fell 3%"). Names are compared
    by their skeletons (across scripts); with the two ``articles``' texts, both names must be
    known to both articles (a capitalised German noun is no name the other side could spell)."""
    a, b = _subject(claim_text, q), _subject(ev_text, e)
    if a is None or b is None:
        return False
    ka, kb = skeleton(a.rstrip("’'s")), skeleton(b.rstrip("’'s"))
    if not ka or not kb or ka == kb:
        return False
    sk = lambda t: {skeleton(w) for w in _CAPWORD.findall(t)}  # noqa: E731
    if ka in sk(ev_text) or kb in sk(claim_text):
        return False
    if articles is not None:
        ca, ea = sk(articles[0]), sk(articles[1])
        return ka in ea and kb in ca
    return True


#: Word beginnings of a change (a figure by which something moved, not the level it stands at), in
#: the languages we read: "fell 17%", "lost $5 billion", "упали на 8%", "verlor 5 Prozent", "a chuté de 9 %".
_CHANGE = ("fell", "fall", "drop", "lost", "lose", "loss", "plung", "tumbl", "slid", "slump", "sank", "sink", "shed",
           "wip", "declin", "decreas", "rose", "rise", "rising", "gain", "jump", "surg", "soar", "climb", "increas",
           "crash", "erase", "down", "raise", "hike", "mehr", "erhöh", "augment", "повыш", "підвищ", "прибав",
           "упа", "пад", "потер", "сниз", "сниж", "обвал", "рухн", "обруш", "вырос", "рост", "подеш", "подор",
           "сократ", "сокращ", "впа", "втрат", "зниз", "зниж", "зріс", "зрост", "скорот", "скороч",
           "fiel", "fällt", "fallen", "verlor", "verlust", "sank", "gesunken", "brach", "eingebrochen", "einbruch",
           "stieg", "gestiegen", "gewann", "rutsch", "minus", "büßt", "chut", "baiss", "perd", "perte", "recul",
           "plong", "effondr", "effa", "hauss", "bondi", "gagn", "esett", "esés", "csökken", "veszít", "zuhan",
           "emelked", "calo", "perso", "perdit", "sces", "croll", "salit", "guadagn")
#: A figure right after one of these is where something ended up ("fell to $117"): a level, not a change.
_TO = re.compile(r"(?:(?<!close )(?<!near )(?<!up )(?<!closer )\bto|\bunder|\bдо|\bauf|(?<!près )\bà)\s*[$€£₽₴]?\s*$",
                 re.IGNORECASE)
_CLAUSE = re.compile(r"[,;:()—–]|\s(?:and|while|whereas|but|а|и|і|та|но|але|und|während|aber|et|mais|tandis|"
                     r"és|míg|mentre|ma)\s", re.IGNORECASE)
_CURRENCY = "$€£¥₽₴"


def _clause(text: str, q: Quantity) -> tuple[int, int]:
    """The span of the clause a figure stands in (between commas, dashes, 'and', 'while' …)."""
    lo = max((m.end() for m in _CLAUSE.finditer(text, 0, q.start)), default=0)
    m = _CLAUSE.search(text, q.end)
    return lo, m.start() if m else len(text)


def _is_change(text: str, q: Quantity) -> bool:
    """Whether a figure is a change (by how much something moved) rather than a level: a
    change word stands in its clause, and no 'to' just before it ("fell to $117" is a level)."""
    if _TO.search(text[max(0, q.start - 16) : q.start]):
        return False
    lo, hi = _clause(text, q)  # the change word governs the figure: a few words before it, or after (verb last)
    words = [w.lower() for w in _ROLE_WORD.findall(text[lo:q.start])[-5:] + _ROLE_WORD.findall(text[q.end:hi])[:3]]
    return any(w.startswith(_CHANGE) for w in words)


def _measured(q: Quantity) -> bool:
    """A share or an amount of money: what it is of is said by the words around it, not by its unit."""
    return q.unit == "%" or q.unit[:1] in _CURRENCY


def _clause_names(text: str, q: Quantity) -> set[str]:
    """Name skeletons of the clause a figure stands in (the whole sentence's when the clause has none);
    a word capitalised only by its place (the sentence's first) is left out."""
    first = len(text) - len(text.lstrip(_OPENING))
    for lo, hi in (_clause(text, q), (0, len(text))):
        keys = {skeleton(part) for m in _CAPWORD.finditer(text, lo, hi)
                if m.start() != first and m.group(0) not in _NOT_SUBJECT
                for part in m.group(0).rstrip("’'s").split("-") if part[:1].isupper()}  # Vexor-Aktie: Vexor
        keys.discard("")
        if keys:
            return keys
    return set()


def _same_subject(claim_text: str, q: Quantity, ev_text: str, e: Quantity) -> bool:
    """Whether two shares or sums across languages may be of one thing: when both clauses holding
    them name something, they name one thing in common (by skeleton, across scripts)."""
    a, b = _clause_names(claim_text, q), _clause_names(ev_text, e)
    return not (a and b) or bool(a & b)


#: Units that count people: their role (killed, injured …) says which count it is, and without
#: one, across languages, nothing does.
_PERSONS = frozenset({"people", "person", "persons"})
#: Two figures this many times apart, across languages and with no role aligning them, are of two
#: quantities (an age and a tenure, a share price and a market value, a day's fall and a year's
#: rise), not one figure misreported, unless one is the other with a digit added or dropped.
#: Chosen on the TUNE stories (their conflicting figures are at most 3.3 times apart).
APART = 4.0


def _apart(a: float, b: float) -> bool:
    """Far apart, and not one figure with a digit added or dropped (4 / 40 days, 1,800 / 18,000):
    a zero slipped in copying or translating is a changed figure, the classic misreport."""
    lo, hi = sorted((abs(a), abs(b)))
    if hi < APART * max(lo, 1e-9):
        return False
    return not any(same_value(lo * 10.0**k, hi, 1e-6) for k in range(1, 7))


_SCALE_SIGN = re.compile(r"\d\s*(?P<s>G|Md|Mds|Mrd|M|k)\s?[$€£]", re.IGNORECASE)
_SCALE = {"g": 1e9, "md": 1e9, "mds": 1e9, "mrd": 1e9, "m": 1e6, "k": 1e3}


def _scaled(q: Quantity) -> Quantity:
    """A sum written with a scale letter before its currency sign ("589 G$", "12 M€") at its full value."""
    m = _SCALE_SIGN.search(q.text)
    if m is None or q.value >= 1e6:
        return q
    return replace(q, value=q.value * _SCALE[m.group("s").lower()])


_TOTAL = re.compile(r"^\s*(?:[^\W\d_]+\s+)?(?:and|und|et|и|і|та|e|y|és)\s+(?!\d)[^\W\d_]{3,}", re.IGNORECASE)


@functools.cache
def _number_words() -> frozenset[str]:
    """Number words of every language we read ("twelve", "zwölf", "douze", "двенадцать")."""
    words = set(NUMBER_WORDS)
    for code in LEXICON_LANGUAGES:
        lx = lexicon(code)
        if lx is not None:
            words |= set(lx.number_words)
    return frozenset(words)


def _total(text: str, q: Quantity, figures: list[Quantity]) -> bool:
    """A count of two groups at once ("242 passengers and crew"), not of one group with its own
    figure ("232 passengers and twelve crew": the second group has a count of its own)."""
    m = None if _measured(q) else _TOTAL.match(text[q.end :])
    if m is None or text[q.end : q.end + m.end()].split()[-1].lower() in _number_words():
        return False
    return not any(q.end < x.start < q.end + m.end() for x in figures)


def _code(text: str, q: Quantity) -> bool:
    """A figure that is part of a designation ("Boeing 787-8", "737-800"): a code, not a quantity."""
    before, after = text[max(0, q.start - 2) : q.start], text[q.end : q.end + 2]
    m = re.match(r"\d+", q.text)
    end = q.start + (m.end() if m else len(q.text))
    return bool(re.fullmatch(r"\d[-/]", before) or re.match(r"[-/]\d", text[end : end + 2]) or
                (after[:1] in "-/" and after[1:2].isdigit()))


def _whole_and_part(q: Quantity, e: Quantity, figures: list[Quantity]) -> bool:
    """Whether one count is the other plus a figure either sentence gives ("242 on board" / "230
    passengers and 12 crew"): a whole and its part, not two versions of one count."""
    lo, hi = sorted((q.value, e.value))
    return any(x is not q and x is not e and same_value(lo + x.value, hi, 0.0) for x in figures)


#: Words that join the two ends of a range ("120 à 150 sièges", "zwischen 4,25 und 4,50 Prozent").
_RANGE_JOIN = re.compile(r"^\s*(?:%|[^\W\d_]{1,12}\.?)?\s*(?:-|–|—|to|and|à|a|au|et|bis|und|y|e|al|alle|до|і|и|és)\s*"
                         r"[$€£¥₽₴]?\s*$", re.IGNORECASE)


def _range(text: str, q: Quantity, figures: list[Quantity]) -> tuple[float, float] | None:
    """The range a figure is one end of ("crédités de 120 à 150 sièges": 120–150), else None.
    The lower end is written without the unit or with the same one."""
    for x in figures:
        lo, hi = (x, q) if x.end <= q.start else (q, x) if q.end <= x.start else (None, None)
        if lo is None or hi is None or lo.value >= hi.value or (lo.unit and lo.unit != hi.unit):
            continue
        if (q is hi or not lo.unit) and _RANGE_JOIN.match(text[lo.end : hi.start]):
            return lo.value, hi.value
    return None


#: What a rate or share is of, by word beginnings in the languages we read: two figures whose words
#: name two of these are two quantities ("unemployment at 4.4%" / "inflation at 2.3%").
_MEASURE_OF = {
    "inflation": ("inflat", "inflaç", "inflaz", "inflac", "teuerung", "инфляц", "інфляц", "infláci", "pce", "cpi"),
    "unemployment": ("unemploy", "jobless", "chômage", "chomage", "arbeitslos", "desemple", "paro", "disoccup",
                     "desempreg", "безработ", "безробіт", "munkanélk"),
    "growth": ("gdp", "growth", "pib", "bip", "wachstum", "croissance", "crecimiento", "crescit", "crescimento",
               "ввп", "economy", "konjunktur"),
    "rate": ("interest", "rates", "taux", "zins", "leitzins", "tipos", "juros", "tassi", "tasso", "ставк", "fed funds",
             "federal funds", "taxa de", "tasa de", "referência", "referencia", "riferimento", "kamat"),
}


def _measure_of(text: str, q: Quantity) -> str | None:
    """What a figure is a rate of: the nearest such word in its clause, or within 60 characters before
    it and 30 after."""
    lo, hi = _clause(text, q)
    lo, hi = min(lo, max(0, q.start - 60)), max(hi, min(len(text), q.end + 30))
    best: tuple[int, str] | None = None
    low = text.lower()
    for what, stems in _MEASURE_OF.items():
        for st in stems:
            for m in re.finditer(r"(?<!\w)" + re.escape(st), low[lo:hi]):
                a = lo + m.start()
                d = q.start - a if a < q.start else a - q.end
                if best is None or d < best[0]:
                    best = (d, what)
    return best[1] if best else None


#: Word beginnings that say a length is a depth, and those that say it is a distance from a place.
_DEPTH = ("deep", "depth", "tief", "profund", "profond", "глубин", "глибин", "mélys", "below")
_DISTANCE = ("away", "southwest", "southeast", "northwest", "northeast", "south", "north", "east", "west", "from",
             "südwest", "südost", "nordwest", "nordost", "südlich", "nördlich", "östlich", "westlich", "entfernt",
             "suroeste", "sudeste", "noroeste", "nordeste", "sudoeste", "sud-ouest", "sud-est", "nord-ouest",
             "nord-est", "sud-ovest", "nord-ovest", "distan")
_LENGTH_ROLES = {"depth": _DEPTH, "distance": _DISTANCE}
_LENGTHS = ("km", "kilomet", "metre", "meter", "mile")


def _length_role(text: str, q: Quantity) -> str | None:
    """'depth' or 'distance' for a length, by the nearest such word within 50 characters."""
    return _nearest_kind(text, q, _LENGTH_ROLES) if q.unit.startswith(_LENGTHS) else None


def _overlap(a: tuple[float, float], b: tuple[float, float], tol: float) -> bool:
    return a[0] <= b[1] * (1 + tol) + 1e-9 and b[0] <= a[1] * (1 + tol) + 1e-9


#: "20 ans", "20 años" alone may be a term of years as well as an age; set off after a name ("Donald Trump,
#: 77 ans,") or written as an age ("77-year-old", "âgé de 77 ans") it is an age.
_BARE_YEARS = re.compile(r"\d{1,3}\s+(?:ans|años|anos|anni)", re.IGNORECASE)
_AFTER_NAME = re.compile(r"[A-ZА-ЯЁЄІЇҐ][\w’'-]+,\s*$")


def _age(text: str, q: Quantity) -> bool:
    """Whether a figure is a person's age: ages are compared as ages (verify/_slots), never with another
    count of years."""
    return any((a.start <= q.start < a.end or q.start <= a.start < q.end)
               and (a.name is not None or not _BARE_YEARS.fullmatch(a.text) or _AFTER_NAME.search(text[: a.start]))
               for a in ages(text))


def number_conflict(claim_text: str, claim: Facts, ev_text: str, evidence: Facts, tol: float,
                    carried: Carried | None, same_language: bool,
                    published: tuple[str | None, str | None] = (None, None),
                    subjects: bool = True, one_claim: bool = False,
                    articles: tuple[str, str] | None = None) -> tuple[Quantity, Quantity] | None:
    """A figure of the claim and one of the evidence that count one thing and cannot both be true.

    ``published``: the two articles' dates (a growing toll is no conflict); ``subjects``: compare
    the names just before the figures as they stand (False in German, where every noun is
    capitalised: then only names both ``articles`` know count);
    ``one_claim``: the two sentences say the same as a whole (across languages, a figure of
    no known role is compared only then)."""
    claim_qs, ev_qs = [_scaled(q) for q in claim.quantities], [_scaled(e) for e in evidence.quantities]
    figures = [*claim_qs, *ev_qs]  # as compared: a part is found among the same objects the pair is
    for q in claim_qs:
        if not q.unit or q.unit == "@year" or (
                carried is not None and carried.has_quantity(q, pair_tolerance(q, claim_qs, q, [], tol))):
            continue
        bq = _bound(claim_text, q)
        rq_ = _range(claim_text, q, claim_qs)
        for e in ev_qs:
            if e.unit != q.unit or e.part != q.part or _age(claim_text, q) != _age(ev_text, e):
                continue  # an age and another count of years ("Trump, 77 ans" / "up to 20 years")
            be = _bound(ev_text, e)
            pt = pair_tolerance(q, claim_qs, e, ev_qs, tol)
            if not values_conflict(q.value, bq, e.value, be, pt) or _rounding(q, e):
                continue
            re_range = _range(ev_text, e, ev_qs)
            if (rq_ or re_range) and _overlap(rq_ or (q.value, q.value), re_range or (e.value, e.value), pt):
                continue  # a figure within a range ("172 bis 192 Sitze" / "180 sièges")
            lq, le = _length_role(claim_text, q), _length_role(ev_text, e)
            if lq and le and lq != le:
                continue  # a depth and a distance ("18 km deep" / "71 km south-west of Marrakesh")
            mq, me = _measure_of(claim_text, q), _measure_of(ev_text, e)
            if mq and me and mq != me:
                continue  # a rate of two things ("unemployment at 4.4%" / "inflation at 2.3%")
            if any(c.unit == q.unit and same_value(c.value, e.value, pair_tolerance(c, claim_qs, e, ev_qs, tol))
                   for c in claim_qs):
                continue  # the claim gives both values ("rose from 29 to 33")
            rq, re_ = _role(claim_text, q), _role(ev_text, e)
            if rq and re_ and rq != re_ and not {rq, re_} <= {"missing", "rescued"}:
                continue  # (the trapped are the ones pulled out: those two roles are one count)
            if rq and rq == re_ and rq != "rescued" and not q.unit.startswith(_MEASURES) and \
                    _running(q.value, e.value, published):
                continue  # a toll that grew: the earlier article's smaller count was true when it was written
            if _other_subject(claim_text, q, ev_text, e, None if subjects else articles):
                continue
            if _code(claim_text, q) or _code(ev_text, e) or _whole_and_part(q, e, figures) or (
                    _total(claim_text, q, claim.quantities) != _total(ev_text, e, evidence.quantities)):
                continue  # a model number; a whole and its part; "242 passengers and crew" against passengers alone
            if _measured(q) and _is_change(claim_text, q) != _is_change(ev_text, e):
                continue  # a change and a level are two quantities ("lost $5 billion" / "worth $90 billion")
            if not same_language and _measured(q) and not _same_subject(claim_text, q, ev_text, e):
                continue  # across languages, a share or a sum of two named things ("Vexor fell 9%" / "Korvani 4%")
            if not same_language and not (rq and rq == re_) and (
                    _apart(q.value, e.value) or (q.unit in _PERSONS and not one_claim)):
                continue  # across languages no words to compare: figures an order of magnitude apart, or
                # counts of people of no known role unless the sentences say one thing, are two quantities
            if same_language and not (rq and rq == re_):
                cq = _context(claim_text, q, {x.unit.lower()[:5] for x in claim.quantities})
                ce = _context(ev_text, e, {x.unit.lower()[:5] for x in evidence.quantities})
                if cq and ce and not cq & ce:
                    continue
            return q, e
    return None


_NUMERALS = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "one": "1", "two": "2", "three": "3", "four": "4",
             "first": "1", "second": "2", "third": "3"}
_END = tuple(".!?…\"”»)’'")


def _numeral_key(name: str) -> str:
    return " ".join(_NUMERALS.get(w, w) for w in name_key(name).split())


_OPENS = re.compile(r"(?:^|(?<![A-Z][a-z])(?<!\b[A-Z])(?<!Mrs)[.!?:…]\s+|[«„\"“‚(]\s*|[—–]\s+)$")


def _by_place(text: str, name: str) -> bool:
    """A single word capitalised only because it opens the sentence, a quote or what follows a colon."""
    if " " in name:
        return False
    return any(_OPENS.search(text[: m.start()]) for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text))


def _spelled_alike(a: str, b: str) -> bool:
    """One name spelled two ways (Farrel / Ferrell, a transliteration): as many words, each pair
    with one skeleton; or one word the other's inflected, cut or glued form (Dear / Dearest, AlphabetMeta / Meta)."""
    wa, wb = name_key(a).split(), name_key(b).split()
    if wa and len(wa) == len(wb) and all(skeleton(x) == skeleton(y) for x, y in zip(wa, wb, strict=True)):
        return True
    return len(wa) == len(wb) == 1 and min(len(wa[0]), len(wb[0])) >= 4 and (
        wa[0].startswith(wb[0]) or wb[0].startswith(wa[0]) or wa[0].endswith(wb[0]) or wb[0].endswith(wa[0]))


def _abbreviation(a: str, b: str) -> bool:
    """One name the other's abbreviation ("Pa." / "Pennsylvania", "Calif." / "California")."""
    wa, wb = name_key(a).split(), name_key(b).split()
    if len(wa) != 1 or len(wb) != 1:
        return False
    short, long_ = sorted((wa[0], wb[0]), key=len)
    if not (2 <= len(short) <= 5 < len(long_)) or short[0] != long_[0]:
        return False
    rest = iter(long_[1:])
    return all(c in rest for c in short[1:])  # its letters in order: Pa, Calif, Mass


_CREDIT = re.compile(r"(?:photo|image|picture|foto|credit|bild|фото)\s*(?:by|:|von)?\s*[^()]{0,60}$", re.IGNORECASE)


def _credited(text: str, name: str) -> bool:
    """A name in a picture credit ("(Photo by NAME / AFP)"): furniture, not a claim's name."""
    i = text.find(name)
    return i >= 0 and bool(_CREDIT.search(text[max(0, i - 70) : i]))


def _one_sentence(name: str) -> str:
    """A name cut at a sentence's end ("World War III. And" is "World War III")."""
    return re.split(r"[.!?…]\s+", name, maxsplit=1)[0]


def _cut_off(text: str, name: str) -> bool:
    """A name at the end of a text cut mid-sentence ("a former Britis")."""
    t = text.rstrip()
    return not t.endswith(_END) and t.endswith(name.rstrip("."))


def entity_aligned(claim_name: str, ev_name: str, claim_text: str, ev_text: str,
                   claim_article: str, ev_article: str, claim_is_headline: bool, ev_is_headline: bool) -> bool:
    """Whether a name swap found by the typed check is one: two names of one role, neither
    used by the other article, neither a capitalised common word or a cut fragment."""
    claim_name, ev_name = _one_sentence(claim_name), _one_sentence(ev_name)
    if _spelled_alike(claim_name, ev_name) or _abbreviation(claim_name, ev_name) or \
            _credited(claim_text, claim_name) or _credited(ev_text, ev_name):
        return False
    for name, text, head in ((claim_name, claim_text, claim_is_headline), (ev_name, ev_text, ev_is_headline)):
        letters = re.sub(r"\W", "", name)
        if len(letters) < 2 or _cut_off(text, name) or (head and " " not in name) or _by_place(text, name):
            return False
    if _numeral_key(claim_name) == _numeral_key(ev_name) or _same_entity(claim_name, ev_name):
        return False
    return not (_uses(claim_article, ev_name) or _uses(ev_article, claim_name))


#: Last words of names that say what a body is, not which one ("ABC News", "the White House").
_KIND_WORDS = frozenset({"news", "times", "post", "office", "house", "agency", "service", "ministry", "department",
                         "council", "committee", "company", "group", "university", "airport", "city", "state"})


def _uses(text: str, name: str) -> bool:
    """Whether a text names ``name``: its whole key, or its last word capitalised (a person or
    body is re-mentioned by its last word, "Trump", "Pushkov"), possessives included."""
    words = name_key(name).split()
    if not words:
        return True
    norm = " " + " ".join(name_key(w) for w in re.findall(r"[^\W_][\w.’'-]*", re.sub(r"[’']s\b", "", text))) + " "
    if f" {' '.join(words)} " in norm:
        return True
    return len(words) > 1 and words[-1] not in _KIND_WORDS and words[-1] in _keys(text)


def _keys(text: str) -> set[str]:
    """Keys of the capitalised words of a text (possessives dropped)."""
    return {name_key(w) for w in re.findall(r"(?<![\w])[A-ZА-ЯЁЄІЇҐ][\w.’'-]*", re.sub(r"[’']s\b", "", text))}


def negation_aligned(claim: Sentence, ev: Sentence, negators: frozenset[str]) -> bool:
    """Whether the clause holding the 'not' of the negated sentence is one both sentences hold:
    most of the words around it are in the other sentence."""
    neg, other = (claim, ev) if claim.facts and claim.facts.negated else (ev, claim)
    words = [w.lower() for w in _ROLE_WORD.findall(neg.text.replace("n't", " not"))]
    others = {w.lower()[:5] for w in _ROLE_WORD.findall(other.text)}
    for i, w in enumerate(words):
        if w in negators or w == "not":
            near = [x for x in words[max(0, i - 4) : i] + words[i + 1 : i + 5] if len(x) > 3]
            if near and sum(x[:5] in others for x in near) / len(near) < 0.5:
                return False
    return True


_GENERIC = frozenset({"official", "officials", "source", "sources", "people", "spokesman", "spokeswoman",
                      "spokesperson", "president", "minister", "government", "company", "ministry", "office"})


def same_claim(a: Sentence, b: Sentence) -> bool:
    """Whether two sentences make one claim: most content words of the shorter one (its
    sources' names left out) are in the other, or they quote the same words."""
    if a.facts is None or b.facts is None:
        return False
    src = set()
    for s in (a, b):
        if s.attribution and s.attribution.source:
            src |= {w.lower()[:5] for w in _ROLE_WORD.findall(s.attribution.source)}
    ca = {w[:5] for w in a.facts.content} - src - _SPEECH
    cb = {w[:5] for w in b.facts.content} - src - _SPEECH
    if not ca or not cb:
        return False
    small, big = (ca, cb) if len(ca) <= len(cb) else (cb, ca)
    return len(small & big) / len(small) >= 0.6


def _source_words(att: Attribution) -> set[str]:
    words = set()
    for layer in att.layers or ():
        if layer.source:
            words |= {name_key(w) for w in re.findall(r"[A-ZА-ЯЁЄІЇҐ][\w’'-]+", layer.source)}
    if att.source:
        words |= {name_key(w) for w in re.findall(r"[A-ZА-ЯЁЄІЇҐ][\w’'-]+", att.source)}
    return {w for w in words if w and w not in _GENERIC}


_UNNAMED = frozenset({"authorities", "officials", "official", "witnesses", "witness", "police", "investigators",
                      "sources", "source", "people", "residents", "rescuers", "a", "an", "the", "some", "local",
                      "senior", "several", "two", "three", "other"})


def _unnamed(att: Attribution) -> bool:
    """Whether a sourcing names nobody: only words like 'authorities', 'officials', 'witnesses'
    (a parser may take a capitalised 'Authorities' for a person)."""
    words = [w.lower() for w in _ROLE_WORD.findall(att.source or "")]
    return bool(words) and all(w in _UNNAMED for w in words) and len(att.layers or ()) <= 1


def attribution_aligned(claim: Sentence, ev: Sentence) -> bool:
    """Whether an attribution conflict between two carriers is one: an added escalating layer
    (leaked documents, people not named), or sources of one kind with nothing in common,
    neither named in the other sentence, for one claim."""
    a, b = claim.attribution, ev.attribution
    if a is None or b is None:
        return False
    added = added_layers(a, b)
    if added:  # people not named against officials, authorities or witnesses not named: one unnamed sourcing
        return not (all(x.kind == "anonymous" for x in added) and _unnamed(b))
    if a.kind != b.kind or a.kind not in ("named_person", "outlet", "organization"):
        return False  # an outlet and its sources, a company and its chief, a document and its author: nested
    wa, wb = _source_words(a), _source_words(b)
    if not wa or not wb or wa & wb:
        return False
    ka, kb = _keys(claim.text), _keys(ev.text)
    if wa & kb or wb & ka:
        return False  # both named in one sentence: roles, not a change of source
    return same_claim(claim, ev)


def confirm(hit: Contradiction, claim: Sentence, ev: Sentence, *, claim_article: str, ev_article: str,
            tol: float, carried: Carried | None, same_language: bool, negators: frozenset[str],
            published: tuple[str | None, str | None] = (None, None),
            languages: tuple[str | None, str | None] = (None, None), one_claim: bool = False) -> Contradiction | None:
    """The typed mismatch ``hit`` between ``claim`` and ``ev`` when its slot is aligned (another
    aligned mismatch of the same pair when the first is not), else None."""
    cf, ef = claim.facts, ev.facts
    if cf is None or ef is None:
        return None
    if hit.type == "negation":
        return hit if negation_aligned(claim, ev, negators) else None
    if hit.type not in ("number", "date", "entity"):
        return hit
    n = number_conflict(claim.text, cf, ev.text, ef, tol, carried, same_language, published,
                        subjects="de" not in languages and same_language, one_claim=one_claim,
                        articles=(claim_article, ev_article))
    if n:
        return Contradiction("number", n[0].text, n[1].text, hit.article, hit.sentence)
    for e in ef.dates + ef.relative_dates:  # a date of the same event: the words around both share something
        d = _date_conflict(cf.dates + cf.relative_dates, [e], carried)
        if d and _event_aligned(claim.text, d[0], ev.text, d[1], same_language, one_claim, published) and (
                not (_loose(d[0]) or _loose(d[1])) or same_claim(claim, ev)):
            # a weekday alone names no month: a story's events fill the days of one week ("appeared
            # on Sunday", "died on Monday, April 21"), so it is compared only between sentences whose
            # words make one claim (sentences that only sound alike across languages are not enough)
            return Contradiction("date", d[0].text, d[1].text, hit.article, hit.sentence)
    if hit.type == "entity" and entity_aligned(hit.claim_span, hit.evidence_span, claim.text, ev.text,
                                               claim_article, ev_article, claim.index == -1, ev.index == -1):
        return hit
    return None


# -- times of day ------------------------------------------------------------------------------

_ZONES = {"et": "ET", "edt": "ET", "est": "ET", "ct": "CT", "cdt": "CT", "cst": "CT", "pt": "PT", "pdt": "PT",
          "pst": "PT", "gmt": "UTC", "utc": "UTC", "cet": "CET", "cest": "CET", "msk": "MSK", "bst": "BST",
          "ist": "IST"}
_LOCAL = (r"local\s+time|heure\s+locale|ortszeit|lokalzeit|по\s+местному\s+времени|за\s+місцевим\s+часом|"
          r"helyi\s+idő\w*|ora\s+locale|hora\s+local")
_ZONE_WORDS = r"ET|EDT|EST|CT|CDT|CST|PT|PDT|PST|GMT|UTC|CET|CEST|MSK|BST|IST"
_TIME = re.compile(
    rf"(?<![\d.:,])(?:(?P<mil>(?:[01]\d|2[0-3])[0-5]\d)(?=\s*(?:(?-i:{_ZONE_WORDS})\b|hrs\b|hours\b))|(?P<h>[01]?\d|2[0-3])"
    r"(?:(?P<sep>[:h]|\.(?=\d\d\s*(?:[ap]\.?m|uhr|óra|ч)))(?P<m>[0-5]\d))?\s*(?P<ampm>[ap]\.?\s?m\.?(?![a-z]))?)"
    rf"(?:\s*(?:uhr|óra(?:kor)?|ч\.?|hrs)\b)?\s*(?:\(?\s*(?P<zone>(?-i:{_ZONE_WORDS}))\b|(?P<local>{_LOCAL})|"
    r"(?P<place>(?-i:[A-Z][a-z]{2,}))\s+time\b)?",
    re.IGNORECASE,
)
_AROUND = re.compile(r"(?:about|around|approximately|roughly|(?:shortly|a\s+little|just)\s+(?:after|before)|"
                     r"vers|environ|около|примерно|"
                     r"близько|приблизно|gegen|etwa|circa|körül|mintegy|intorno\s+alle?)\s*(?:à|a|at|um|в|о|alle)?\s*$",
                     re.IGNORECASE)
_AROUND_AFTER = re.compile(r"^\s*(?:óra\s*)?körül", re.IGNORECASE)


def times(text: str) -> list[tuple[str, str | None, int, bool]]:
    """Times of day: (as written, frame, minutes after midnight, approximate). The frame is a
    zone (ET, UTC …), 'local', or None when the text names none. A bare number is no time: it
    needs minutes, a.m./p.m., 'Uhr'/'óra' or a zone."""
    out = []
    for m in _TIME.finditer(text):
        if m.group("mil"):
            h, mi = int(m.group("mil")[:2]), int(m.group("mil")[2:])
        else:
            h, mi = int(m.group("h")), int(m.group("m") or 0)
            marked = m.group("m") or m.group("ampm") or re.search(r"uhr|óra|ч", m.group(0), re.IGNORECASE)
            if not marked:
                continue
            ampm = (m.group("ampm") or "").lower()[:1]
            if ampm == "p" and h < 12:
                h += 12
            elif ampm == "a" and h == 12:
                h = 0
            if m.group("sep") == ":" and not (m.group("ampm") or m.group("zone") or m.group("local")) and (
                    text[m.end():m.end() + 1].isdigit() or text[max(0, m.start() - 1):m.start()] in ("/", "-")):
                continue
        zone = m.group("zone")
        frame = _ZONES.get(zone.lower()) if zone else ("local" if m.group("local") else m.group("place"))
        approx = bool(_AROUND.search(text[max(0, m.start() - 30) : m.start()]) or _AROUND_AFTER.match(text[m.end():]))
        out.append((m.group(0).strip(" ("), frame, h * 60 + mi, approx))
    return out


def time_conflict(claim_text: str, ev_text: str) -> tuple[str, str] | None:
    """Two times of one moment, in one frame, that differ (by more than half an hour when either
    is approximate); a time-zone shift is no conflict: times in different frames are not compared
    (a time the text gives no zone is the place's local time). None when the two sentences share
    any time, or either gives none."""
    a, b = times(claim_text), times(ev_text)
    if not a or not b or {t[2] for t in a} & {t[2] for t in b}:
        return None
    for ta in a:
        for tb in b:
            if _times_differ(ta, tb):
                return ta[0], tb[0]
    return None


def _times_differ(ta: tuple[str, str | None, int, bool], tb: tuple[str, str | None, int, bool]) -> bool:
    """Whether two times (as ``times`` reads them) in one frame differ, by more than half an hour
    when either is approximate; times in different frames are never compared (no zone: local)."""
    if (ta[1] or "local") != (tb[1] or "local"):
        return False
    diff = abs(ta[2] - tb[2])
    return min(diff, 1440 - diff) > (30 if ta[3] or tb[3] else 0)


# -- the time of the lead's event ----------------------------------------------------------------

#: How many sentences of an article (its headline counted) make its lead: a news article gives
#: the time of its main event there. Chosen on the TUNE stories and /work/extra-real.
LEAD_SENTENCES = 5
#: Words that make a time one planned, not one that happened ("was scheduled to arrive at 18:25").
_PLANNED = re.compile(r"\b(?:scheduled|due|expected|planned|set\s+to|geplant|planmäßig|vorgesehen|sollte|prévu\w*|"
                      r"devait|запланирован\w*|планирова\w*|должен|должна|планува\w*|мав|мала|tervezett|kellett|"
                      r"previst\w*|programad\w*|esperaba)\b", re.IGNORECASE)
#: A time a statement was made, not the event's: a time that opens its sentence with a speech verb right
#: after it ("At 9:07 a.m., the chief said"; "it sank at 9:07, witnesses said" is the event's), or a post
#: or update right before it ("posted a statement at 5:45 a.m.", "Updated 10:58").
OPENING_TIME = 25
_SAID_AFTER = re.compile(r"^[^.;:!?]{0,30}?\b(?:said|says|told|announced|tweeted|wrote|posted|reported|stated|"
                         r"sagte|erklärte|teilte|schrieb|déclaré|annoncé|écrit|заявил\w*|сообщил\w*|написал\w*|"
                         r"заяви\w*|повідоми\w*|написа\w*|mondta|közölte|írta)\b", re.IGNORECASE)
_POSTED_BEFORE = re.compile(r"\b(?:posted|published|statement|update[ds]?|aktualisiert|veröffentlicht|mis\s+à\s+jour|"
                            r"publié|обновлен\w*|опубликован\w*|оновлен\w*|опубліковано|frissítve|publicado|"
                            r"pubblicato)\b[^.;!?]{0,40}$", re.IGNORECASE)
#: A game or countdown clock, not a time of day ("with 4:43 to play", "14:05 left in the half").
_CLOCK_AFTER = re.compile(r"^\s*(?:left|remaining|to\s+play|to\s+go|on\s+the\s+clock|vor\s+Schluss|restant\w*|"
                          r"до\s+конца)\b", re.IGNORECASE)
#: What a page's time stamp line holds besides its figures ("11:39am UK, Monday 09 September 2013",
#: "12/23/12 06:03 PM ET", "12 January 2010 @ 09:29 pm"): zones, am/pm, "at", "updated" ...
_STAMP_WORDS = re.compile(r"\b(?:[ap]\.?\s?m\.?|uhr|h|hrs|at|um|à|в|o|on|am|published|posted|updated|last|"
                          r"local|time)\b|[@|/,.:–—-]", re.IGNORECASE)
_ZONE_WORD = re.compile(r"\b[A-Z]{2,4}\b")  # UK, ET, EST, GMT: capitals only
#: A time right after a date or a year is a timestamp of the page ("19 July 2024, 10:58").
_STAMPED = re.compile(r"(?:\d{4}|\d{1,2}[./]\d{1,2}[./]\d{2,4})\s*[,|–—-]?\s*$")


#: A lead's time: its position among the article's texts, and the time as ``times`` reads it.
Lead = tuple[int, tuple[str, str | None, int, bool]]


def lead_time(texts: list[str]) -> Lead | None:
    """The time of day an article's lead gives its event: (position in ``texts``, the time as
    ``times`` reads it), the first time of its first LEAD_SENTENCES texts (headline included)
    that is no planned time, no page timestamp and no time a statement was made; None when the
    lead gives none."""
    for k, text in enumerate(texts[:LEAD_SENTENCES]):
        if _stamp_line(text):
            continue
        for t in times(text):
            at = text.find(t[0])
            before, after = text[max(0, at - 60) : at], text[at + len(t[0]) :]
            if _STAMPED.search(before) or _PLANNED.search(before) or _POSTED_BEFORE.search(before) or (
                    at <= OPENING_TIME and _SAID_AFTER.search(after)) or _CLOCK_AFTER.match(after):
                continue
            return k, t
    return None


def _stamp_line(text: str) -> bool:
    """Whether a text is a page's date and time line: nothing left once its figures, month and
    weekday names, zones and stamp words are taken out (one word at most)."""
    words = [w for w in re.findall(r"[^\W\d_]+", _STAMP_WORDS.sub(" ", _ZONE_WORD.sub(" ", text)))
             if w.lower() not in MONTHS and w.lower() not in WEEKDAYS]  # both hold the short forms too
    return len(words) <= 1


def lead_conflict(own: Lead | None, other: Lead | None) -> tuple[str, str] | None:
    """(own span, other span) when two articles' leads time their event differently in one
    frame (by more than half an hour when either time is approximate): the two leads report
    one event, so its time is one slot. A time-zone shift is no conflict (frames differ)."""
    if own is None or other is None:
        return None
    ta, tb = own[1], other[1]
    return (ta[0], tb[0]) if _times_differ(ta, tb) else None


# -- ages ------------------------------------------------------------------------------------------

#: Two ages of one person at most this many years apart: reports of one person differ by a birthday
#: or a slip (32 / 33); a wider gap more likely marks another person (ECB+ dev: a sister, 20, and her
#: brother, 23, under one surname).
AGES_APART = 2


def _age_aligned(a: Age, b: Age) -> bool:
    """Whether two ages are of one person: both set off after a name, one name (spelled alike);
    else the words around them say the same of the person ("the male attendant, Lee, 32" / "a
    33-year-old flight attendant"), and not a man against a woman."""
    if a.name and b.name:
        return _spelled_alike(a.name, b.name)
    if a.name or b.name:
        return False  # a named person's age against an unnamed one's: nothing says they are one person
    if a.sex and b.sex and a.sex != b.sex:
        return False  # "a 45-year-old man" / "a 52-year-old woman": two people
    # two words in common: one ("police", "shooting") is the story's vocabulary, not the person's
    return len(a.words & b.words) >= 2


def age_conflict(claim: list[Age], theirs: list[list[Age]]) -> tuple[Age, Age, int] | None:
    """(claim age, other age, position of the other's sentence) when an age of the claim is of a
    person another article gives another age (at most AGES_APART years apart), and that article
    nowhere gives the claim's age."""
    given = {b.value for bs in theirs for b in bs}
    for a in claim:
        if a.value in given:
            continue
        for k, bs in enumerate(theirs):
            for b in bs:
                if abs(a.value - b.value) <= AGES_APART and _age_aligned(a, b):
                    return a, b, k
    return None


def age_name_swap(claim: list[Age], own: list[list[Age]], theirs: list[list[Age]], own_text: str,
                  their_text: str) -> tuple[Age, Age, int] | None:
    """(claim age, other age, position of the other's sentence) when the claim names a person by
    another name than the other article gives the person of the same age, among people both
    articles list by name and age ("Lee, 32" and "Kwon, 25" against "Lee (33)" and "Koo (25)"):
    the articles share another named person, so they list the same people, and neither
    article uses the other's name anywhere."""
    mine = {a.name for bs in own for a in bs if a.name}
    other = {b.name for bs in theirs for b in bs if b.name}
    if not any(_spelled_alike(x, y) for x in mine for y in other):
        return None  # no named person in common: nothing says the two lists are of the same people
    for a in claim:
        if not a.name:
            continue
        for k, bs in enumerate(theirs):
            for b in bs:
                if (b.name and b.value == a.value and not _spelled_alike(a.name, b.name)
                        and not _uses(their_text, a.name) and not _uses(own_text, b.name)
                        and sum(x.value == a.value for xs in theirs for x in xs if x.name) == 1
                        and sum(x.value == a.value for xs in own for x in xs if x.name) == 1):
                    return a, b, k
    return None


# -- how long after an event -----------------------------------------------------------------------

def duration_conflict(claim: list[Duration], theirs: list[list[Duration]]) -> tuple[Duration, Duration, int] | None:
    """(claim duration, other duration, position of the other's sentence) when the claim says how
    long after an event something happened ("five minutes after take-off") and every duration
    the other article gives after the same event is incompatible with it ("less than a minute
    after taking off"), bounds and rounding allowed for."""
    for a in claim:
        same = [(k, b) for k, bs in enumerate(theirs) for b in bs if b.event == a.event]
        if same and not any(b.low <= a.high and a.low <= b.high for _, b in same):
            k, b = same[0]
            return a, b, k
    return None


# -- one day, two weekdays ---------------------------------------------------------------------------

def _weekday_of_day(d: DateMention) -> tuple[int, int, int | None, int] | None:
    return (d.month, d.day, d.year, d.weekday) if d.month and d.day and d.weekday is not None else None


def weekday_day_conflict(claim: list[DateMention], theirs: list[list[DateMention]]
                         ) -> tuple[DateMention, DateMention, int] | None:
    """(claim date, other date, position of the other's sentence) when the claim gives a day with
    its weekday ("Friday, July 19") and the other article gives the same day another weekday
    ("Thursday (July 19)") and nowhere the claim's: a day has one weekday, so one is wrong."""
    mine = [(d, w) for d in claim if (w := _weekday_of_day(d))]
    if not mine:
        return None
    given = {w for ds in theirs for e in ds if (w := _weekday_of_day(e))}
    for d, (m, day, y, wd) in mine:
        if any((m, day, wd) == (gm, gd, gw) and (y is None or gy is None or y == gy) for gm, gd, gy, gw in given):
            continue
        for k, ds in enumerate(theirs):
            for e in ds:
                w = _weekday_of_day(e)
                if w and (w[0], w[1]) == (m, day) and w[3] != wd and (y is None or w[2] is None or y == w[2]):
                    return d, e, k
    return None


# -- the day of the lead's event -------------------------------------------------------------------

#: Words before a weekday that make its day one to come, not the event's ("would resume on Friday").
_COMING = re.compile(r"\b(?:would|will|next|resume\w*|wird|werden|nächste\w*|va|vont|prochain\w*|будет|будут|буде|"
                     r"будуть|próxim\w*|prossim\w*|retomar\w*|reanudar\w*|riprender\w*)\b", re.IGNORECASE)


def lead_day(dates: list[list[DateMention]], texts: list[str] | None = None) -> tuple[int, DateMention] | None:
    """The day an article's lead gives its event: (position, mention), the first weekday alone
    ("killed on Wednesday") of its first LEAD_SENTENCES units (``dates``: each unit's dates,
    headline first), resolved against the publication date. News style names the event's day so;
    a date in a lead ("June 12") is as often the dateline or the day of writing, and relative
    words ("today", "heute") say only when the article was written: both are left out (on the
    tuning stories, leads' dates against weekdays flagged a dateline that agreed)."""
    for k, ds in enumerate(dates[:LEAD_SENTENCES]):
        for d in ds:
            if d.resolved is not None and _loose(d) and d.weekday is not None:
                before = texts[k][max(0, d.start - 60) : d.start] if texts is not None else ""
                if _PLANNED.search(before) or _COMING.search(before):
                    continue  # a day planned or to come ("the jurors would resume on Friday")
                return k, d
    return None


def lead_day_conflict(own: tuple[int, DateMention] | None, other: tuple[int, DateMention] | None,
                      published: tuple[str | None, str | None]) -> tuple[DateMention, DateMention] | None:
    """(own mention, other mention) when two articles published on one day give their leads' event
    days that cannot be one ("killed on Wednesday" / "crashed on Thursday", a weekday read against
    its article's publication date). Articles of different days may lead with different events."""
    if own is None or other is None:
        return None
    da, db = day_of(published[0]), day_of(published[1])
    if not da or da != db:
        return None
    hit = _date_conflict([own[1]], [other[1]], None)
    return (hit[0], hit[1]) if hit else None
