"""Who says so: the source a sentence credits, and the quotes it carries.

Rule-based on purpose: news attribution is formulaic ("X said", "according to Y",
"speaking on condition of anonymity"), and rules explain themselves in a report.
The cue lists are our own (MIT), see LEXICONS.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ._lexicon import HEDGES, LOADED

Kind = Literal["named_person", "anonymous", "outlet", "document", "organization", "none"]

SPEECH_VERBS = (
    "said|says|say|told|tells|claimed|claims|insisted|insists|warned|warns|added|adds|noted|notes|stated|"
    "states|argued|argues|explained|announced|confirmed|confirms|denied|denies|wrote|writes|tweeted|"
    "asserted|asserts|summarized|summarised|outlined|described|acknowledged|admitted|declared|stressed|"
    "reported|reports|reckoned|suggested|suggests|testified|saying|insisting|claiming|warning|adding|noting|"
    "arguing|accused|accuses|according to"
)
_VERB = re.compile(rf"\b(?:{SPEECH_VERBS})\b", re.IGNORECASE)

_ANONYMOUS = re.compile(
    r"(?P<src>(?:\b(?:anonymous|unnamed)\s+(?:[\w.’'-]+\s+){0,2}?(?:sources?|officials?|diplomats?|people|insiders?|"
    r"aides?|engineers?|analysts?)(?:\s+(?:within|inside|in|at|from|close to|familiar with)\s+(?:the\s+)?"
    r"(?:[A-Z][\w.’'-]*\s*)+(?:[a-z]+\s+)?(?:community|office|administration|government|team)?)?)"
    r"|\b(?:sources?|insiders?|people)\s+(?:inside|within|close to|familiar with|at|in)\s+(?:the\s+)?[\w.’' -]{2,40}?"
    r"(?=,|\s+(?:said|say|says|told|speaking))"
    r"|\b(?:one|a|two|three|several|some)\s+(?:senior\s+|former\s+|top\s+|local\s+)?(?:[A-Z][\w.-]*\s+)?"
    r"(?:officials?|diplomats?|engineers?|sources?|aides?|insiders?|residents?|witness(?:es)?|neighbou?rs?|"
    r"employees?|workers?)\b(?!\s+(?:named|identified as))"
    r"(?:\s+(?:familiar\s+with|close\s+to|inside|within|at|in)\s+(?:the\s+)?[\w’' -]{1,30}?(?=,))?)"
    r"|(?P<cue>speaking\s+(?:on|under)\s+(?:the\s+)?condition\s+of\s+anonymity|who\s+(?:asked|declined)\s+not\s+to\s+be\s+"
    r"(?:named|identified)|not\s+authori[sz]ed\s+to\s+speak|on\s+condition\s+of\s+anonymity)",
    re.IGNORECASE,
)
_DOCUMENT = re.compile(
    r"\b(?P<src>(?:(?:internal|leaked|classified|confidential|secret|official|court|government)\s+)"
    r"(?:[A-Z][\w.’'-]*\s+)?(?:\w+\s+)?(?:memos?|documents?|reports?|correspondence|briefings?|assessments?|"
    r"emails?|e-mails?|files?|papers?|cables?|records?|filings?|minutes)"
    r"|(?:a|the)\s+(?:\d+-page\s+|new\s+|published\s+)?(?:report|document|statement|memo|filing|study|strategy|"
    r"letter|indictment|ruling|transcript)\s*,?\s+(?:published|released|seen|obtained|issued|filed)\b"
    r"|(?:[Tt]he|[Aa])\s+(?:\d+-page\s+|new\s+)?(?:report|document|memo|filing|study|strategy|letter|indictment|"
    r"ruling|transcript)(?=\s+(?:also\s+)?(?:accused|said|says|stated|states|noted|notes|warned|found|concluded|"
    r"described|called|argued|claimed)\b)"
    r"|(?:\d+-page\s+)?(?:[A-Z][\w-]*\s+){0,4}(?:Strategy|Report|Review|Memo|Document|Assessment)"
    r"(?=\s+(?:stating|saying|warning|claiming|which\s+(?:said|states|warned))\b))",
    re.IGNORECASE,
)
_OUTLET_WORDS = (
    r"News|Times|Post|Wire|Journal|Herald|Gazette|Courier|Ledger|Telegraph|Guardian|Tribune|Press|Agency|"
    r"Network|Daily|Today|Radio|TV|Television|Broadcasting|Review|Chronicle|Observer|Independent|Mail|Express|Pulse"
)
KNOWN_OUTLETS = (
    "Bloomberg|Reuters|AP|Associated Press|AFP|BBC|CNN|Fox News|Politico|Axios|Al Jazeera|TASS|RIA Novosti|Interfax|"
    "Xinhua|MENAFN|NPR|ABC|CBS|NBC|Sky News|Der Spiegel|Le Monde|Financial Times|The Economist|New York Times|"
    "Washington Post|Wall Street Journal|Kyiv Independent|Ukrainska Pravda|RT|Sputnik|Kommersant|Izvestia"
)
_OUTLET_NAME = rf"(?:{KNOWN_OUTLETS}|(?:[A-Z][\w&-]+\s+){{0,3}}(?:{_OUTLET_WORDS}))"
_OUTLET = re.compile(
    rf"\b(?:[Aa]ccording\s+to|reported\s+by|told|cited\s+by|obtained\s+by|seen\s+by|in\s+an?\s+interview\s+with)\s+"
    rf"(?:the\s+)?(?P<src>{_OUTLET_NAME})\b|\b(?P<src2>{_OUTLET_NAME})\s+(?:reported|reports|said|has\s+reported|"
    rf"revealed|learned)\b"
)
_ORG_WORDS = (
    r"Kremlin|Pentagon|White House|Department|Ministry|Ministers?|Council|Commission|Committee|Agency|Office|"
    r"Police|Army|Navy|Government|Administration|Parliament|Senate|Congress|Court|Bank|University|Hall|Co\.|"
    r"Inc\.?|Corp\.?|Ltd\.?|Group|Foundation|Institute|Authority|Union|NATO|UN|EU|FBI|CIA"
)
_ORG = re.compile(
    rf"\b(?P<src>(?:the\s+)?(?:[A-Z][\w.&’'-]*\s+){{0,4}}(?:{_ORG_WORDS})(?:\s+of\s+(?:[A-Z][\w.’'-]*\s*)+)?)"
    rf"(?:['’]s)?\s*,?\s*(?:[^,.]{{0,60}},\s*)?(?:{SPEECH_VERBS})\b"
    rf"|\b(?:[Aa]ccording\s+to|said|told)\s+(?P<src2>(?:the\s+)?(?:[A-Z][\w.&’'-]*\s+){{0,4}}(?:{_ORG_WORDS}))"
    r"|\b(?P<src3>[Tt]he\s+(?:[a-z]+\s+)?(?:city|council|department|ministry|company|government|agency|police)(?:['’]s\s+[a-z]+\s+"
    r"(?:department|office|ministry|agency))?)\s+(?:said|says|told|announced|estimated|put|confirmed|stated)\b"
)
_BODY = re.compile(
    r"\b(?P<src>(?:[Tt]he\s+|[Aa]n?\s+)?(?:[A-Za-z]+\s+){0,2}?(?:minister|office|ministry|spokesperson|spokesman|"
    r"spokeswoman|department|agency|police|officials|authorities|company|bank|hospital|court|council|prosecutors?|"
    r"regulator|government|army|military)(?:\s+(?:for|of|at)\s+(?:the\s+)?[\w&. ]{1,30}?)?)\s+"
    r"(?:said|says|told|declined|confirmed|announced|stated|added|denied|warned|reported)\b"
)
_TITLE = (
    r"(?:Former\s+|former\s+)?(?:[Aa]mbassador|Mayor|President|Senator|Sen\.|Rep\.|Governor|Gov\.|Minister|Prime Minister|Chancellor|Secretary|"
    r"General|Gen\.|Colonel|Col\.|Dr\.|Mr\.|Mrs\.|Ms\.|Prof\.|Professor|Judge|Chief|Coach|Ambassador|Envoy|"
    r"Director|Spokesman|Spokeswoman|Spokesperson|Pope|King|Queen|Prince|Sheriff|Commissioner|Russian Senator|"
    r"Foreign Minister|Defence Minister|Defense Minister)"
)
_PERSON = r"(?:[A-Z][a-z’'-]+(?:\s+(?:[A-Z]\.\s*)?(?:de |van |von |bin |al-)?[A-Z][a-z’'-]+){1,2})"
_NAMED = re.compile(
    rf"(?:{_TITLE}\s+)?(?P<src>{_PERSON})\s*,\s*(?:a|an|the|who)\s+[^.;]{{3,120}}?,?\s*(?:by\s+)?(?:{SPEECH_VERBS})\b"
    rf"|(?:{_TITLE}\s+)?(?P<src2>{_PERSON})\s+(?:has\s+|had\s+|have\s+)?(?:also\s+)?(?:{SPEECH_VERBS})\b"
    rf"|(?:{_TITLE}\s+)?(?P<src6>{_PERSON})\s+[^.;,]{{3,60}},\s*(?:saying|insisting|claiming|warning|adding|arguing|noting)\b"
    rf"|\b(?:said|says|told|[Aa]ccording\s+to|added|warned|claimed)\s+(?:{_TITLE}\s+)?(?P<src3>{_PERSON})"
    rf"|(?P<src4>{_TITLE}\s+[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+)?)\s+(?:has\s+|had\s+)?(?:also\s+)?(?:{SPEECH_VERBS})\b"
    rf"|(?:{_TITLE}\s+)?(?P<src5>{_PERSON})\s*\("
    rf"|(?P<src7>{_PERSON}),?\s+(?:called|described)\s+(?:the|it|them|his|her|their)\b"
    rf"|(?:{_TITLE}\s+)?(?P<src8>{_PERSON})(?:,[^,.]{{3,60}},)?\s+[^.“\"‘:]{{0,40}}:\s*[“\"‘]",
)
_SURNAME_SAID = re.compile(rf"(?:(?P<a>[A-Z][a-z’'-]+)\s+(?:later\s+|also\s+|has\s+|had\s+)?(?:{SPEECH_VERBS})\b|\b(?:said|says|told)\s+(?P<b>[A-Z][a-z’'-]+)\b)")
_PRONOUN_SAID = re.compile(rf"\b(?:he|she|they|it|the\s+(?:senator|mayor|minister|official|spokesman|spokeswoman|president|document|report))\s+(?:also\s+)?(?:{SPEECH_VERBS})\b|\b(?:{SPEECH_VERBS})\s+(?:he|she)\b", re.IGNORECASE)

_QUOTE = re.compile(
    r"“(?P<a>[^”]{2,}?)”|\"(?P<b>[^\"]{2,}?)\"|(?:(?<=[\s(—–-])|^)‘(?P<c>[^’]*?(?:’[a-z][^’]*?)*)’(?![a-z])"
    r"|(?:(?<=[\s(—–-])|^)'(?P<d>[^']*?(?:'[a-z][^']*?)*)'(?![a-z])"
)
_NOT_PERSON_WORDS = {
    "the", "this", "that", "these", "those", "it", "its", "but", "and", "yet", "such", "one", "some", "many",
    "earlier", "later", "meanwhile", "behind", "according", "european", "western", "russian", "american",
    "officials", "sources", "experts", "analysts", "critics", "residents", "he", "she", "they", "we", "i", "you",
    "who", "which", "what", "there", "here", "as", "if", "while", "when", "amid", "however", "also", "so",
}


@dataclass(frozen=True)
class Attribution:
    kind: Kind
    source: str | None
    cue: str | None


NONE = Attribution("none", None, None)


@dataclass
class QuoteSpan:
    text: str
    speaker: str | None
    start: int
    end: int
    status: Literal["verbatim", "altered", "only_here"] = "only_here"  # set by verify, across outlets
    found_in: list[str] = field(default_factory=list)
    closest: str | None = None


@dataclass
class Sourcing:
    """Attribution and quotes of one sentence."""

    attribution: Attribution = NONE
    quotes: list[QuoteSpan] = field(default_factory=list)
    continues: bool = False  # credits the source of the sentence before ("..., he said")


def _clean(src: str) -> str:
    src = re.sub(r"^(?:the)\s+", "", src.strip(" ,"), flags=re.IGNORECASE)
    return re.sub(r"['’]s$", "", src).strip()


def _person_ok(name: str) -> bool:
    first = name.split()[0].lower().strip("’'")
    return first not in _NOT_PERSON_WORDS and not re.search(rf"\b(?:{_ORG_WORDS})\b", name)


def attribute(text: str, *, outlets: frozenset[str] = frozenset()) -> Attribution:
    """The source this one sentence credits, by the strongest cue it holds.

    Anonymity wins over everything (it is what a reader most needs to know); among
    the rest the earliest cue in the sentence wins, since attribution leads.
    """
    m = _ANONYMOUS.search(text)
    if m:
        if m.group("cue"):
            head = re.search(r"(?P<s>(?:[A-Z][\w.’'-]*\s+)*(?:officials?|sources?|diplomats?|engineers?|people))\s*,\s*$",
                             text[: m.start()], re.IGNORECASE)
            return Attribution("anonymous", _clean(head.group("s")) if head else None, m.group(0))
        return Attribution("anonymous", _clean(m.group("src")), m.group(0))
    found: list[tuple[int, Attribution]] = []
    for name in sorted(outlets):
        i = text.find(name)
        if i >= 0 and _VERB.search(text[max(0, i - 40) : i + len(name) + 40]):
            found.append((i, Attribution("outlet", name, name)))
    m = _OUTLET.search(text)
    if m:
        src = m.group("src") or m.group("src2")
        found.append((m.start(), Attribution("outlet", _clean(src), m.group(0))))
    m = _DOCUMENT.search(text)
    if m:
        found.append((m.start(), Attribution("document", _clean(m.group("src")), m.group(0))))
    for m in _NAMED.finditer(text):
        src = next(g for g in (m.group("src"), m.group("src2"), m.group("src3"), m.group("src4"), m.group("src5"),
                               m.group("src6"), m.group("src7"), m.group("src8")) if g)
        if m.group("src5") and not _VERB.search(text):
            continue
        if _person_ok(src):
            found.append((m.start(), Attribution("named_person", _clean(src), m.group(0).strip())))
            break
    if not any(a.kind == "named_person" for _, a in found):
        for m in _SURNAME_SAID.finditer(text):
            name = m.group("a") or m.group("b")
            if _person_ok(name) and name.lower() not in _NOT_PERSON_WORDS and not re.fullmatch(_ORG_WORDS, name):
                found.append((m.start(), Attribution("named_person", name, m.group(0))))
                break
    m = _BODY.search(text)
    if m and m.group("src").split()[0].lower() not in ("two", "three", "several", "some", "one"):
        found.append((m.start(), Attribution("organization", _clean(m.group("src")), m.group(0))))
    m = _ORG.search(text)
    if m:
        src = m.group("src") or m.group("src2") or m.group("src3")
        if src and not re.fullmatch(r"(?:the\s+)?(?:[A-Z][\w.’'-]*\s+){0,1}", src):
            found.append((m.start(), Attribution("organization", _clean(src), m.group(0).strip())))
    if not found:
        return NONE
    return min(found, key=lambda t: t[0])[1]


def find_quotes(text: str) -> list[QuoteSpan]:
    """Quoted passages; pieces of one quote split by "he said" are joined."""
    spans = []
    for m in _QUOTE.finditer(text):
        body = next(g for g in m.groups() if g is not None).strip()
        if len(body.split()) >= 2:
            spans.append(QuoteSpan(body, None, m.start(), m.end()))
    joined: list[QuoteSpan] = []
    for q in spans:
        if joined:
            gap = text[joined[-1].end : q.start]
            # “We survived,” said Kerr, “and we ...”: a bare attribution clause between two pieces
            if len(gap.split()) <= 6 and _VERB.search(gap) and gap.rstrip().endswith(","):
                prev = joined[-1]
                joined[-1] = QuoteSpan(prev.text.rstrip(",") + " " + q.text, None, prev.start, q.end)
                continue
        joined.append(q)
    return joined


def _phrases(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)


_HEDGE_RE = _phrases(HEDGES)
_LOADED_RE = _phrases(LOADED)


def hedges(text: str) -> list[str]:
    return [m.group(0) for m in _HEDGE_RE.finditer(text)]


def loaded(text: str) -> list[str]:
    return [m.group(0) for m in _LOADED_RE.finditer(text)]


def source_article(sentences: list[str], *, outlets: frozenset[str] = frozenset()) -> list[Sourcing]:
    """Sourcing of every sentence of one article, carrying a source into the
    sentences that continue it ("..., he said"; a bare quote after a named one)."""
    out: list[Sourcing] = []
    people: dict[str, str] = {}  # surname -> full name seen earlier in the article
    prev: Attribution = NONE
    for text in sentences:
        att = attribute(text, outlets=outlets)
        continues = False
        if att.kind == "named_person" and att.source:
            people.setdefault(att.source.split()[-1], att.source)
        if att.kind == "named_person" and att.source in people:
            att = Attribution("named_person", people[att.source], att.cue)  # "Pushkov" -> "Alexei Pushkov"
        if att.kind in ("none", "organization"):
            sm = _SURNAME_SAID.search(text)
            name = (sm.group("a") or sm.group("b")) if sm else None
            if name and name in people:
                att = Attribution("named_person", people[name], sm.group(0))
            elif att.kind == "none" and prev.kind != "none" and (_PRONOUN_SAID.search(text) or
                                                               (find_quotes(text) and not _VERB.search(text))):
                att, continues = prev, True
        quotes = find_quotes(text)
        speaker = att.source if att.kind != "none" else None
        for q in quotes:
            q.speaker = speaker
        out.append(Sourcing(att, quotes, continues))
        prev = att
    return out
