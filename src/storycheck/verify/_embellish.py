"""Embellishment: the part of a carried sentence that no carrier gives.

A rewrite keeps a claim that other outlets carry and dresses it: "according to
Bloomberg, which has seen classified briefings, ...", "..., he told CNN", a quote
nobody else prints, a figure or a full name no other article states. The core is
carried, so the sentence has carriers (``supported_by``), but the added part rests
on this article alone; ``settle`` then never calls the sentence plain ``supported``.

What counts as given by a carrier:

- a source (a sourcing layer of the sentence, ``analyze``'s attribution, or a source
  cited with the cue words of another language, "laut Reuters", "передаёт Sky News",
  "a BBC szerint"): a carrying article names it anywhere in its text (an outlet that
  credits Reuters once credits it for the paragraphs that follow); an escalating layer
  (leaked or classified documents, intelligence, people not named) must be in a
  carrier's own evidence window, since "officials" are everywhere in a story;
- a quote: its words are found in another article, copies included (``match_quotes``);
- a number (with what it counts) or a full name: some other article of the story
  states it anywhere (more detail than the carrier is an embellishment only when
  nobody else has it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .._types import Article, Quantity, Sentence, Uncarried
from ..analyze import KNOWN_OUTLETS, SPEECH_VERBS, Attribution, escalating, has_layer
from ..lang import lexicon, skeleton
from ._names import NameIndex, name_key

#: Relative difference under which two figures are one figure (rounding: 16.97 % and 17 %).
NUMBER_TOLERANCE = 0.02
#: A quote this long (words) that no other article prints is an uncarried part; shorter ones are
#: phrases ("developing mass casualty event") that carriers paraphrase.
QUOTE_WORDS = 5
#: ... and shorter than this share of its sentence: a sentence that is all quote is carried by
#: the carriers' paraphrase of those words (the quote is its core, not an addition).
QUOTE_SHARE = 0.6

_ANONYMITY = re.compile(r"anonym|unnamed|not\s+(?:be\s+)?(?:named|identified|authori[sz]ed)|declined\s+to\s+be", re.I)
#: Eyewitnesses as a source, in the languages we read: a carrier that tells the claim without
#: them does not give the witness.
_WITNESS = re.compile(r"\b(?:(?:eye)?witness(?:es)?|(?:Augen)?[Zz]eug(?:e|en|in|innen)|очевид\w*|свідк\w*|"
                      r"[Ss]zemtanú\w*|témoins?|testimon[ei])\b")
_SPEECH = re.compile(rf"\b(?:{SPEECH_VERBS})\b|\bsaw\b|\bdescribed\b", re.IGNORECASE)
_CAP = r"(?:[A-ZА-ЯЁЄІЇҐ][\w’'&.-]*|[A-Z]{2,})"
_NAME = rf"(?P<name>{_CAP}(?:\s+(?:de\s+|von\s+|of\s+)?{_CAP}){{0,3}})"
#: Cue words of sourcing in the languages we read besides English (English is analyze's):
#: the name follows the cue ("laut Reuters", "согласно сообщению телеканала Fox Baltimore")
#: or comes before it ("a BBC szerint", "Reuters zufolge", "Bloomberg пише").
_CUES_BEFORE_NAME = {
    "de": r"laut|nach\s+Angaben|nach\s+Berechnungen|nach\s+Informationen|zufolge|berichtete?|berichten|meldete?|"
          r"zitierte?|heißt\s+es\s+(?:bei|von)|so|sagte|schreibt|schrieb|teilte",
    "ru": r"согласно|по\s+данным|по\s+словам|по\s+информации|передаёт|передает|сообщает|сообщил[аи]?|пишет|"
          r"заявил[аи]?|со\s+ссылкой\s+на|утверждает",
    "uk": r"згідно\s+з|за\s+даними|за\s+словами|за\s+інформацією|передає|повідомляє|повідомив|повідомила|"
          r"пише|заявив|заявила|з\s+посиланням\s+на",
    "fr": r"selon|d['’]après|rapporte|rapporté\s+par|a\s+indiqué|a\s+annoncé|cité\s+par|a\s+déclaré",
    "it": r"secondo|riferisce|riporta|ha\s+detto|ha\s+dichiarato|citato\s+da",
    "es": r"según|de\s+acuerdo\s+con|informó|informa|dijo|declaró|citado\s+por|citada\s+por",
    "pt": r"segundo|de\s+acordo\s+com|conforme|informou|informa|disse|declarou|citado\s+por|citada\s+por",
    "hu": r"közölte|jelentette|írja|írta",
}
_CUES_AFTER_NAME = {
    "de": r"zufolge|berichtete?|meldete?|zitiert|schreibt|schrieb|sagte|teilte",
    "ru": r"сообщает|сообщил[аи]?|пишет|передаёт|передает|заявил[аи]?",
    "uk": r"пише|повідомляє|повідомив|повідомила|заявив|заявила|передає",
    "fr": r"rapporte|a\s+indiqué|a\s+annoncé|a\s+déclaré",
    "it": r"riferisce|riporta|ha\s+detto",
    "es": r"informó|informa|dijo|declaró",
    "pt": r"informou|informa|disse|declarou",
    "hu": r"szerint|közölte|jelentette|írja|írta|számolt(?:ak)?\s+be",
}
_BEFORE = {k: re.compile(rf"\b(?i:{v})\s+(?P<tail>(?:[^\s,;:.!?()]+\s*){{1,6}})") for k, v in _CUES_BEFORE_NAME.items()}
_CUE_WORDS = {k: re.compile(rf"(?i:{v}|{_CUES_AFTER_NAME.get(k, v)})") for k, v in _CUES_BEFORE_NAME.items()}
_AFTER = {k: re.compile(rf"{_NAME}\s+(?:[\w’'-]+\s+){{0,1}}?(?i:{v})\b") for k, v in _CUES_AFTER_NAME.items()}
#: Capitalised words that are sourcing nouns, not names (German capitalises every noun).
#: A country's initials name no source ("власти РФ", "US officials").
_COUNTRY_INITIALS = frozenset("РФ RF US USA UK EU UN США ЕС ООН США ФРГ BRD".split())
#: German role compounds by their head noun: "Ministeriumssprecherin", "Stromnetzbetreiber", "Onlinedienst".
_ROLE_HEADS = ("dienst", "sprecher", "sprecherin", "betreiber", "anbieter", "agentur", "zeitung", "sender",
               "behörde", "ministerium", "minister", "ministerin", "chef", "chefin", "präsident", "präsidentin",
               "konzern", "unternehmen", "portal", "magazin", "blatt", "kanal", "dienstes", "senders")
_SOURCING_NOUNS = frozenset("""
сми зми angaben berichten berechnungen informationen medien polizei regierung behörden behörde ministerium agentur
nachrichtenagentur nachrichtenagenturen zeitung sender experten augenzeugen betreiber netzbetreiber
sprecher sprecherin korrespondent korrespondentin reporter insider quellen kreisen daten datenanbieter datenanbieters
portal magazin blatt fernsehsender
""".split())
_NOT_NAMES = _SOURCING_NOUNS | frozenset("""
die der das des dem den ein eine einer eines laut so il la le les un une du secondo selon the a an it he she they
""".split())


def _witness(text: str, lang: str) -> str | None:
    """Eyewitnesses cited as a source: a witness word with a speech verb or cue near it
    ("witnesses told", "A szemtanúk szerint"; not "Key, a witness of the bombardment")."""
    m = _WITNESS.search(text)
    if m is None or re.match(r"\s+(?:of|des|der|von|du|de la)\b", text[m.end() :]):
        return None  # "a witness of the bombardment": a role, not a source
    lex = lexicon(lang)
    words = list(lex.speech_verbs) + list(lex.cues_before) if lex is not None else []
    near = text[max(0, m.start() - 60) : m.end() + 60]
    cues = [rx for rx in (_CUE_WORDS.get(lang),) if rx is not None]
    if _SPEECH.search(near) or any(rx.search(near) for rx in cues) or any(
            re.search(rf"(?<![\w]){re.escape(v)}(?![\w])", near, re.IGNORECASE) for v in words):
        return m.group(0)
    return None


def _cited_name(words: list[str]) -> tuple[list[str], bool]:
    """The name among the few words after a cue: the run right after it ("laut Reuters ist
    die Zahl"), else the last run of capitalised words that are not sourcing nouns ("des
    auf Luftfahrt spezialisierten Datenanbieters Cirium" -> ["Cirium"]); and whether the
    cue or a sourcing noun ("Datenanbieters", "Zeitung") stands right before it."""
    clean = [w.strip(".,;:!?»«“”„\"()") for w in words]
    runs: list[tuple[int, list[str]]] = []
    for i, w in enumerate(clean):
        if w and re.fullmatch(_CAP, w) and w.lower() not in _NOT_NAMES:
            if runs and runs[-1][0] + len(runs[-1][1]) == i:
                runs[-1][1].append(w)
            else:
                runs.append((i, [w]))
    if not runs:
        return [], False
    at, run = runs[0] if runs[0][0] == 0 else runs[-1]
    return run, at == 0 or clean[at - 1].lower() in _SOURCING_NOUNS


def _foreign_sources(text: str, lang: str) -> list[str]:
    """Names cited as a source by another language's cue words: the last name in the few
    words after a cue ("согласно сообщению телеканала Fox Baltimore"), or the name right
    before a cue that follows it ("a BBC szerint")."""
    out: list[str] = []
    before, after = _BEFORE.get(lang), _AFTER.get(lang)
    if before is not None:
        for m in before.finditer(text):
            tail = m.group("tail").split()
            words, direct = _cited_name(tail)
            name = " ".join(words)
            # right after the cue or a sourcing noun, one capitalised word is a name even in German
            if words and (direct or _name_like(name, lang)):
                out.append(name)
    if after is not None:
        for m in after.finditer(text):
            words = _cited_name(m.group("name").split())[0]
            if not words or (m.start("name") == 0 and len(words) == 1 and not words[0].isupper()):
                continue  # a sentence's first word is capitalised in every language: no sign of a name
            if _name_like(" ".join(words), lang):
                out.append(" ".join(words))
    return out


def _name_like(name: str, lang: str) -> bool:
    """Whether a capitalised run names someone: in German every noun is capitalised, so
    there only an acronym ("FSB", "LSEG"), a known outlet or a run of two words or more
    ("Fox Baltimore", "Olaf Scholz") counts; elsewhere any capitalised run does."""
    words = name.split()
    if not words:
        return False
    if lang != "de":
        return True
    return len(words) >= 2 or any(re.fullmatch(r"[A-ZÄÖÜ]{2,}", w) for w in words) or \
        re.fullmatch(rf"(?:{KNOWN_OUTLETS})", name) is not None


def _stated(name: str, text: str) -> bool:
    """Whether ``name`` stands in ``text`` as whole words, and not as one capitalised word
    that only opens the sentence ("Early reports suggest", "Компания утверждает"; not the
    "Strike" of "CrowdStrike")."""
    m = re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text)
    if m is None:
        return False
    lead = text[: m.start()]
    return not (" " not in name and not name.isupper() and not re.search(r"\w", lead))


def _proper(source: str | None, lang: str = "en") -> str | None:
    """The name in a source ("The Baltimore Banner" -> "Baltimore Banner"); None for a
    description that names nobody ("the company", "officials")."""
    if not source:
        return None
    words = source.split()
    caps = [w.strip(".,;:") for w in words if w[:1].isupper() and w.lower().strip(".,") not in _NOT_NAMES]
    name = " ".join(caps)
    return name if caps and _name_like(name, lang) else None


def _core(name: str, lang: str) -> str:
    """The words of a cited name that say who it is: a country's initials ("Влада РФ") and, in
    German, the role compound before a name ("Ministeriumssprecherin Maria Sacharowa",
    "Onlinedienst Telegram") are left out."""
    words = [w for w in name.split() if w.upper() not in _COUNTRY_INITIALS]
    if lang == "de" and len(words) > 1:
        words = [w for w in words if not w.lower().endswith(_ROLE_HEADS)] or words
    return " ".join(words)


def _cited_text(a: Article) -> str:
    """The sources an article cites, one a line: its sentences' sourcing layers and the
    names other languages' cue words cite."""
    out = []
    for s in ([a.headline] if a.headline else []) + list(a.sentences):
        if s.attribution is not None:
            out += [x.source for x in s.attribution.layers if x.source]
        lang = s.language or a.language or "en"
        if lang != "en":
            out += _foreign_sources(s.text, lang)
    return "\n".join(out)


def _window(article: Article, ln_sentences: Sequence[int]) -> list[Sentence]:
    out = []
    for i in ln_sentences:
        if i == -1 and article.headline is not None:
            out.append(article.headline)
        elif 0 <= i < len(article.sentences):
            out.append(article.sentences[i])
    return out


def _values(a: Article) -> list[float]:
    units = ([a.headline] if a.headline else []) + list(a.sentences)
    return [q.value for s in units if s.facts is not None for q in s.facts.quantities]


def _counts(q: Quantity) -> bool:
    """A figure worth naming: a number of something (not a year, not a bare number)."""
    return q.unit not in ("year", "") and q.value != 0 and (q.value >= 10 or bool(re.search(r"\d", q.text)))


def _same(x: float, values: Sequence[float]) -> bool:
    return any(abs(x - v) <= NUMBER_TOLERANCE * max(abs(x), abs(v)) for v in values)


_CAPS = re.compile(r"(?<![\w])[A-ZÀ-ÖØ-ÞА-ЯЁЄІЇҐ][\w’'-]*")


def _near(a: str, b: str) -> bool:
    """Two name skeletons alike: equal, one the other plus an ending ("Интерфакс",
    "Интерфакса"), or one letter apart in a long one ("Sacharowa", "Zakharova")."""
    if a == b:
        return True
    if min(len(a), len(b)) < 3:
        return False
    if (a.startswith(b) or b.startswith(a)) and abs(len(a) - len(b)) <= 2:
        return True
    if len(a) == len(b) and len(a) >= 4:
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    return False


class _Names:
    """The names one article mentions: its words folded (``NameIndex``) and the
    skeletons of its capitalised words (the same name in another script or spelling)."""

    def __init__(self, article: Article, text: str | None = None) -> None:
        text = (article.title or "") + "\n" + article.text if text is None else text
        self.index = NameIndex([text])
        self.skeletons = {k for w in _CAPS.findall(text) for part in w.split("-") if len(k := skeleton(part)) >= 2}
        self.by_len: dict[int, set[str]] = {}
        for k in self.skeletons:
            self.by_len.setdefault(len(k), set()).add(k)

    def has(self, name: str) -> bool:
        """Whether every capitalised word of ``name`` is here, in any spelling ("Fox Baltimore"
        needs "Fox" as well as "Baltimore")."""
        key = name_key(name)
        if f" {key} " in self.index.norm:
            return True
        words = [w for part in name.split() for w in part.split("-") if w[:1].isupper()]
        return bool(words) and all(self._word(w) for w in words)

    def _word(self, word: str) -> bool:
        if name_key(word) in self.index.caps:
            return True
        k = skeleton(word)
        if len(k) < 2:
            return False
        return any(_near(k, x) for n in range(len(k) - 2, len(k) + 3) for x in self.by_len.get(n, ()))


class Embellishments:
    """The story's articles, indexed once for 'does another article give this part?'."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.by_id = {a.id: a for a in articles}
        self.names = {a.id: _Names(a) for a in articles}
        # the sources each article cites anywhere: a name it only mentions ("Sky News went off air")
        # does not give the sentence's source, a name it cites ("..., Sky News reported") does
        self.cited = {a.id: _Names(a, _cited_text(a)) for a in articles}
        self.values = {a.id: _values(a) for a in articles}

    def parts(self, article: Article, s: Sentence) -> list[Uncarried]:
        """What of ``s`` (a sentence or the headline of ``article``) no carrier gives; [] when
        nobody carries it (then the whole sentence is the article's own)."""
        carriers = [ln for ln in s.links if ln.stance == "carries" and ln.article in self.by_id]
        if not carriers:
            return []
        who = {ln.article for ln in carriers}
        lang = s.language or article.language or "en"
        out: list[Uncarried] = []
        named: list[str] = []

        def source(name: str, text: str) -> None:
            name = _core(name, lang)
            if not name or not _stated(name, s.text):
                return
            if not near.has(name) and not any(self.cited[c].has(name) for c in who):
                out.append(Uncarried("source", text))
            named.append(name)

        att: Attribution | None = s.attribution
        windows = [u for ln in carriers if ln.evidence is not None
                   for u in _window(self.by_id[ln.article], ln.evidence.sentences or (ln.evidence.sentence,))]
        theirs = tuple(x for u in windows if u.attribution is not None for x in u.attribution.layers)
        near = _Names(article, "\n".join(u.text for u in windows))  # the carriers' own evidence windows
        for layer in (att.layers if att is not None else ()):
            if not any(part and part in s.text for part in (layer.source, layer.cue)):
                continue  # the source of the sentence before ("..., he said"): not this sentence's addition
            if escalating(layer):
                if layer.cue and not re.search(rf"(?<![\w-]){re.escape(layer.cue)}", s.text):
                    continue  # "IT-Kreisen" is no circle of insiders
                if layer.kind == "anonymous" and not _ANONYMITY.search(layer.cue or "") and any(
                        x.kind == "named_person" for x in att.layers):  # type: ignore[union-attr]
                    continue  # "António Leitão Amaro, a senior official in the government, said": named
                if not has_layer(theirs, layer):
                    out.append(Uncarried("source", layer.cue or layer.source or layer.kind))
                continue
            name = _proper(layer.source, lang)
            if name:
                source(name, layer.cue if lang == "en" and layer.cue else name)
        if (w := _witness(s.text, lang)) and not any(_WITNESS.search(u.text) for u in windows):
            out.append(Uncarried("source", w))
        if lang != "en":
            for name in _foreign_sources(s.text, lang):
                if not any(name in x or x in name for x in named):
                    source(name, name)
        same_language = any((self.by_id[c].language or "en") == (article.language or "en") for c in who)
        for q in s.quotes:
            if q.status == "only_here" and not q.found_in and len(q.text.split()) >= QUOTE_WORDS and same_language \
                    and len(q.text) < QUOTE_SHARE * len(s.text):
                out.append(Uncarried("quote", q.text))
        others = [x for x in self.by_id if x != article.id]
        if s.facts is not None:
            for qn in s.facts.quantities:
                if _counts(qn) and not any(_same(qn.value, self.values[o]) for o in others):
                    out.append(Uncarried("number", qn.text))
            if lang == "en" and not s.text.isupper():
                for n in s.facts.names:
                    if len(n.split()) >= 2 and not any(n in x or x in n for x in named) \
                            and not any(self.names[o].has(n) for o in others):
                        out.append(Uncarried("name", n))
        seen: set[tuple[str, str]] = set()
        kept = []
        for p in out:
            if (p.kind, p.text) not in seen:
                seen.add((p.kind, p.text))
                kept.append(p)
        return kept


def name_uncarried(articles: Sequence[Article]) -> None:
    """Set ``uncarried`` on every sentence and headline of every article (quote statuses
    must be set first: ``match_quotes``)."""
    emb = Embellishments(articles)
    for a in articles:
        for s in ([a.headline] if a.headline else []) + list(a.sentences):
            s.uncarried = emb.parts(a, s)
