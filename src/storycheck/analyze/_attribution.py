"""Who says so: the source a sentence credits, and the quotes it carries.

Rule-based on purpose: news attribution is formulaic ("X said", "according to Y",
"speaking on condition of anonymity"), and rules explain themselves in a report.
The cue lists are our own (MIT), see LEXICONS.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ._lexicon import HEDGES, LOADED

Kind = Literal["named_person", "anonymous", "outlet", "document", "organization", "none"]
# a sourcing layer may also be an intelligence agency, service or source; only layers use this kind
LayerKind = Literal["named_person", "anonymous", "outlet", "document", "organization", "intelligence"]

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
    r"(?:Former\s+|former\s+)?(?:[Aa]mbassador|Mayor|President|Senator|Sen\.|Rep\.|Governor|Gov\.|Minister|Prime Minister|Chancellor|Secretary|"  # noqa: E501 (one alternation)
    r"General|Gen\.|Colonel|Col\.|Dr\.|Mr\.|Mrs\.|Ms\.|Prof\.|Professor|Judge|Chief|Coach|Ambassador|Envoy|"
    r"Director|Spokesman|Spokeswoman|Spokesperson|Pope|King|Queen|Prince|Sheriff|Commissioner|Russian Senator|"
    r"Foreign Minister|Defence Minister|Defense Minister)"
)
_PERSON = r"(?<![\w’'-])(?:[A-Z][a-z’'-]+(?:\s+(?:[A-Z]\.\s*)?(?:de |van |von |bin |al-)?[A-Z][a-z’'-]+){1,2})"
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
_SURNAME_SAID = re.compile(rf"(?:(?<![\w’'-])(?P<a>[A-Z][a-z’'-]+)\s+(?:later\s+|also\s+|has\s+|had\s+)?(?:{SPEECH_VERBS})\b|\b(?:said|says|told)\s+(?P<b>[A-Z][a-z’'-]+)\b)")  # noqa: E501 (a regular expression reads best unbroken)
_PRONOUN_SAID = re.compile(rf"\b(?:he|she|they|it|the\s+(?:senator|mayor|minister|official|spokesman|spokeswoman|president|document|report))\s+(?:also\s+)?(?:{SPEECH_VERBS})\b|\b(?:{SPEECH_VERBS})\s+(?:he|she)\b", re.IGNORECASE)  # noqa: E501 (a regular expression reads best unbroken)

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
class Layer:
    """One sourcing cue of a sentence: who or what it cites, and the words that cite it."""

    kind: LayerKind
    source: str | None
    cue: str | None


@dataclass(frozen=True)
class Attribution:
    """The source a sentence credits (``kind``, ``source``, ``cue``: its first-named or
    strongest source) and ``layers``, every sourcing cue it holds: that source first,
    then the others in sentence order ("Pentagon officials, according to leaked memos
    obtained by European intelligence agencies, ..." has three)."""

    kind: Kind
    source: str | None
    cue: str | None
    layers: tuple[Layer, ...] = ()


NONE = Attribution("none", None, None)


@dataclass
class QuoteSpan:
    text: str
    speaker: str | None
    start: int
    end: int
    # set by verify, across outlets; "translated": carried in another language by a sentence that says the same
    status: Literal["verbatim", "altered", "only_here", "translated"] = "only_here"
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
    """The source this one sentence credits, by the strongest cue it holds, with all
    its sourcing layers.

    Anonymity wins over everything (it is what a reader most needs to know); among
    the rest the earliest cue in the sentence wins, since attribution leads.
    """
    return with_layers(text, _primary(text, outlets=outlets), outlets=outlets)


def _primary(text: str, *, outlets: frozenset[str] = frozenset()) -> Attribution:
    """The one source ``attribute`` names (kind, source, cue), without layers."""
    m = _ANONYMOUS.search(text)
    if m:
        if m.group("cue"):
            head = re.search(r"(?P<s>(?:[A-Z][\w.’'-]*\s+)*(?:officials?|sources?|diplomats?|engineers?|people))\s*,\s*$",  # noqa: E501 (a regular expression reads best unbroken)
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


# -- sourcing layers ---------------------------------------------------------------------------

_LEX = json.loads((Path(__file__).resolve().parent / "data" / "sourcing_layers.json").read_text(encoding="utf-8"))


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


ESCALATING_DOCUMENT_WORDS = frozenset(w.lower() for w in _LEX["escalating_document_words"])
_CUE_BEFORE = re.compile(rf"\b(?:{_alt(_LEX['cues_before'])})\s+(?:the\s+|a\s+|an\s+|some\s+|several\s+)?$",
                         re.IGNORECASE)
_CUE_AFTER = re.compile(rf"^\s*,?\s*(?:also\s+|have\s+|has\s+|had\s+|were\s+|was\s+)?(?:{_alt(_LEX['cues_after'])})\b",
                        re.IGNORECASE)
_ESCALATING_DOC = re.compile(
    rf"\b(?P<src>(?:{_alt(_LEX['escalating_document_words'])})\s+(?:[\w’'-]+\s+){{0,2}}?"
    rf"(?:{_alt(_LEX['document_nouns'])}))\b",
    re.IGNORECASE,
)
_PLAIN_DOC = re.compile(
    rf"\b(?P<src>(?:{_alt(_LEX['plain_documents_with_cue'])}))(?=\s+(?:seen|obtained|reviewed|leaked|shared)\s+(?:by|to|with)\b)",
    re.IGNORECASE,
)
_INTELLIGENCE = re.compile(
    rf"(?P<src>\b(?:(?:[A-Z][\w.’'-]*|(?i:senior|former|foreign|western|allied|military|national))\s+){{0,3}}"
    rf"(?i:{_alt(_LEX['intelligence_words'])})\s+(?i:{_alt(_LEX['intelligence_nouns'])})\b"
    rf"|\b(?:{_alt(_LEX['intelligence_bodies'])})\b)"
)
_INTELLIGENCE_BODY = re.compile(rf"\b(?:{_alt(_LEX['intelligence_bodies'])})\b")
_INTELLIGENCE_WORD = re.compile(rf"\b(?:{_alt(_LEX['intelligence_words'])})\b", re.IGNORECASE)
_ANONYMITY = re.compile(rf"\b(?:{_alt(_LEX['anonymity_words'])})\b", re.IGNORECASE)
_DOC_PARTICIPLE = re.compile(r"\b(?:published|released|seen|obtained|issued|filed)$")
_CUE_OUTLET = re.compile(rf"\b(?i:{_alt(_LEX['cues_before'])})\s+(?:the\s+)?(?P<src>{_OUTLET_NAME})\b")


def _cited(text: str, start: int, end: int) -> bool:
    """Whether a document or body at text[start:end] is cited as a source, not just
    mentioned ("according to leaked memos", "memos obtained by", "memos show" — not
    "would not comment on leaked documents")."""
    return bool(_CUE_BEFORE.search(text[max(0, start - 40) : start]) or _CUE_AFTER.match(text[end : end + 40]))


def _cue(text: str, start: int, end: int) -> str:
    """The source with the cue words that cite it: those before it, else those after."""
    before = _CUE_BEFORE.search(text[max(0, start - 40) : start])
    if before:
        return text[max(0, start - 40) + before.start() : end].strip(" ,")
    after = _CUE_AFTER.match(text[end : end + 40])
    return text[start : end + after.end() if after else end].strip(" ,")


def _candidates(text: str, outlets: frozenset[str]) -> list[tuple[int, int, Layer]]:
    """Every sourcing cue of a sentence: (start, end of the source words, layer)."""
    out: list[tuple[int, int, Layer]] = []

    def add(m: re.Match[str], kind: LayerKind, group: str = "src", cue: str | None = None) -> None:
        a, b = m.span(group)
        src = m.group(group)
        out.append((a, b, Layer(kind, _clean(src), cue or m.group(0).strip(" ,"))))

    for m in _ANONYMOUS.finditer(text):
        if m.group("src") and (_ANONYMITY.search(m.group(0)) or _cited(text, *m.span())):
            add(m, "anonymous")
        elif m.group("cue"):
            out.append((m.start(), m.end(), Layer("anonymous", None, m.group(0))))
    for rx in (_ESCALATING_DOC, _PLAIN_DOC, _DOCUMENT):
        for m in rx.finditer(text):
            a, b = m.span("src")
            if _cited(text, a, b) or (rx is _DOCUMENT and _DOC_PARTICIPLE.search(m.group("src"))):
                add(m, "document", cue=_cue(text, a, b) if rx is not _DOCUMENT else None)
    for m in _INTELLIGENCE.finditer(text):
        a, b = m.span("src")
        if _cited(text, a, b):
            add(m, "intelligence", cue=_cue(text, a, b))
    for name in sorted(outlets):
        i = text.find(name)
        if i >= 0 and _VERB.search(text[max(0, i - 40) : i + len(name) + 40]):
            out.append((i, i + len(name), Layer("outlet", name, name)))
    for m in _OUTLET.finditer(text):
        add(m, "outlet", "src" if m.group("src") else "src2")
    for m in _CUE_OUTLET.finditer(text):
        add(m, "outlet")
    for m in _NAMED.finditer(text):
        g = next(k for k in ("src", "src2", "src3", "src4", "src5", "src6", "src7", "src8") if m.group(k))
        if (g != "src5" or _VERB.search(text)) and _person_ok(m.group(g)):
            add(m, "named_person", g)
    for m in _BODY.finditer(text):
        if m.group("src").split()[0].lower() not in ("two", "three", "several", "some", "one"):
            add(m, "organization")
    for m in _ORG.finditer(text):
        g = next((k for k in ("src", "src2", "src3") if m.group(k)), "")
        if g and not re.fullmatch(r"(?:the\s+)?(?:[A-Z][\w.’'-]*\s+){0,1}", m.group(g)):
            add(m, "organization", g)
    return out


def _find_span(text: str, att: Attribution) -> tuple[int, int] | None:
    for part in (att.source, att.cue):
        if part:
            i = text.find(part)
            if i >= 0:
                return i, i + len(part)
    return None


def with_layers(text: str, primary: Attribution, *, outlets: frozenset[str] = frozenset()) -> Attribution:
    """``primary`` with the sentence's sourcing layers: ``primary`` itself first (when it
    credits anyone), then every other cue in sentence order, overlapping cues once."""
    kept: list[tuple[int, int, Layer]] = []
    first: Layer | None = None
    if primary.kind != "none":
        first = Layer(primary.kind, primary.source, primary.cue)
        span = _find_span(text, primary)
        if span:
            kept.append((*span, first))
    for a, b, layer in sorted(_candidates(text, outlets), key=lambda t: (t[0], t[0] - t[1])):
        if first is not None and layer.kind == first.kind and layer.source == first.source:
            continue
        if any(a < kb and ka < b for ka, kb, _ in kept):
            continue
        kept.append((a, b, layer))
    rest = sorted((t for t in kept if t[2] is not first), key=lambda t: t[0])
    layers = ((first,) if first else ()) + tuple(t[2] for t in rest)
    return Attribution(primary.kind, primary.source, primary.cue, layers)


def escalating(layer: Layer) -> bool:
    """Whether a layer makes a claim rest on something a reader cannot check: leaked,
    classified or internal documents, intelligence sources, people who are not named."""
    if layer.kind in ("anonymous", "intelligence"):
        return True
    if layer.kind == "document" and layer.source:
        return any(w in ESCALATING_DOCUMENT_WORDS for w in re.findall(r"[\w-]+", layer.source.lower()))
    return False


def has_layer(layers: tuple[Layer, ...], layer: Layer) -> bool:
    """Whether ``layers`` hold a layer of the same sort as ``layer``: the same kind (an
    escalating document for an escalating document; for an intelligence layer, any cue
    naming an intelligence service)."""
    for other in layers:
        if layer.kind == "intelligence" and other.source and (
                _INTELLIGENCE_WORD.search(other.source) or _INTELLIGENCE_BODY.search(other.source)):
            return True
        if other.kind == layer.kind and (layer.kind != "document" or escalating(other) == escalating(layer)):
            return True
    return False


def added_layers(claim: Attribution | None, evidence: Attribution | None) -> list[Layer]:
    """The escalating layers of the claim's sourcing that the evidence's sourcing lacks.

    Empty when either sentence credits nobody: a carrier that names no source does not
    say the claim rests on less."""
    if claim is None or evidence is None or not claim.layers or not evidence.layers:
        return []
    return [layer for layer in _implied(claim.layers) if escalating(layer) and not has_layer(evidence.layers, layer)]


def _implied(layers: tuple[Layer, ...]) -> list[Layer]:
    """The layers, plus an intelligence layer for a source that names one inside it
    ("anonymous sources within the U.S. intelligence community" rests on both)."""
    out = list(layers)
    for layer in layers:
        if layer.kind != "intelligence" and layer.source and (m := _INTELLIGENCE.search(layer.source)):
            out.append(Layer("intelligence", m.group(0), layer.cue))
    return out


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
        att = _primary(text, outlets=outlets)
        continues = False
        if att.kind == "named_person" and att.source:
            people.setdefault(att.source.split()[-1], att.source)
        if att.kind == "named_person" and att.source in people:
            att = Attribution("named_person", people[att.source], att.cue)  # "Pushkov" -> "Alexei Pushkov"
        if att.kind in ("none", "organization"):
            sm = _SURNAME_SAID.search(text)
            name = (sm.group("a") or sm.group("b")) if sm else None
            if sm and name and name in people:
                att = Attribution("named_person", people[name], sm.group(0))
            elif att.kind == "none" and prev.kind != "none" and (_PRONOUN_SAID.search(text) or
                                                               (find_quotes(text) and not _VERB.search(text))):
                att, continues = prev, True
        att = with_layers(text, Attribution(att.kind, att.source, att.cue), outlets=outlets)
        quotes = find_quotes(text)
        speaker = att.source if att.kind != "none" else None
        for q in quotes:
            q.speaker = speaker
        out.append(Sourcing(att, quotes, continues))
        prev = att
    return out


#: A dateline that credits who filed the text, at the start of a line near the top of a page:
#: "WASHINGTON (AP) —", "March 26 (Reuters) -", "SEOUL, South Korea (AP) —", "Berlin (dpa):".
#: The words before the tag (a place, a date) stay on one line and hold no sentence end.
_FILED_BY = re.compile(r"(?m)^[ \t]*([^\W_][^\n().!?]{0,40}?[ \t])?\(([^\W\d_][\w .&'-]{1,30})\)[ \t]*(?:--|[-–—:])")
#: Tags in that place that are not a filer: a live blog's or an update's label.
_NOT_FILER = re.compile(r"\b(?:update[sd]?|photos?|video|live|watch|opinion|analysis|exclusive|breaking)\b",
                        re.IGNORECASE)
#: How far into a page a dateline may stand: a headline, a byline and a time stamp may come first.
FILED_BY_CHARS = 1000


def filed_by(text: str) -> str | None:
    """The agency or outlet a page's dateline credits ("ap", "reuters"), lower case; None when it has none.

    Two pages whose datelines credit the same filer carry one source's report, however each was
    reworded; a credit inside a sentence ("… (Reuters) reported") is not a dateline."""
    m = _FILED_BY.search(text[:FILED_BY_CHARS])
    if m is None or _NOT_FILER.search(m.group(2)) or len(m.group(2).split()) > 4:
        return None
    if m.group(1) and not all(w[0].isupper() or w[0].isdigit() for w in m.group(1).replace(",", " ").split()):
        return None  # a place or a date before the tag, every word capitalised or a figure
    return " ".join(m.group(2).lower().split())
