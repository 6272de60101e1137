"""Conflicts without a typed slot, from the entailment model's contradiction class.

The typed checks (number, date, time, name, quote, attribution) catch a conflict only where a
slot can be compared. "Nobody survived" against "one person survived", or "the council will keep
funding the ferry" against "... will stop funding the ferry", have no such slot. Here the bundled
3-way entailment model (verify/data/nli, docs/nli_model.md) reads such pairs, but only **aligned**
ones, because on real coverage its contradiction class fires on any two sentences of a story
that say different things (docs/how-it-works.md, "Conflicts without a typed slot"):

- the pair is the one the verifier already took: the other article's evidence window for the
  sentence (its best window by the claim model), and in it the sentence that shares most content
  words with the claim;
- the two are close (the link's dense cosine at least ``MIN_COSINE``) and form a **near pair**:
  they share at least ``MIN_SHARED`` of their content words (Jaccard) and differ in at most
  ``MAX_CHANGED`` content words in all, so the model judges one difference, not two stories;
- both are English sentences of English articles (the model reads English), neither is a
  headline, and they are not the same text.

The model reads only pairs whose changed words include a polarity or quantity word (``CUES``: "no",
"not", "only", "all", "one", "refused", "stopped", ...), both ways (each sentence once as premise);
P(contradicts) is the mean of the two. From ``CONFIDENT`` on the other article contradicts the
sentence (type ``claim``, in ``contradicted_by``); from ``POSSIBLE`` on it is a
``possible_conflicts`` entry, which never changes the verdict. Every threshold was chosen on the
TUNE stories of ../shared/realnews and the extra tuning set (bench/real.py). A change of agent
("police shot the gunman" / "federal snipers shot the gunman") has no cue word and is not read: the
model gives such pairs about 0.5, as it gives paraphrases.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Sequence
from typing import Any

from .._types import Contradiction, Link, PossibleConflict, Sentence
from ..analyze import content_words
from ..analyze._lexicon import NEGATIONS
from ._entail import EntailmentBackend, OnnxEntailment, entailment_probs

#: The link's dense cosine (the sentence against the other article's closest sentence) from which
#: a pair is read at all.
MIN_COSINE = 0.7
#: A near pair shares at least this share of its content words (Jaccard) ...
MIN_SHARED = 0.3
#: ... and differs in at most this many content words (both sides together, at least one).
MAX_CHANGED = 6
#: P(contradicts), the mean of both reading directions, from which a near pair whose changed words
#: include a cue is a possible conflict ...
POSSIBLE = 0.5
#: ... and from which it is a conflict (``contradicted_by``, type ``claim``).
CONFIDENT = 0.8
#: Words that say no: one sentence saying no and the other not is a polarity change ("nobody
#: survived" / "one person survived"); two that both say it ("no one" / "nobody") agree.
NEGATIVE = NEGATIONS | frozenset("no none nobody nothing never zero without".split())
#: Words of quantity, exclusivity or a reversed course: one of them in one sentence and not in the
#: other can turn a claim into its opposite ("only", "all", "refused", "stopped"). Only the stopping
#: side of a reversal is listed ("keep" stays out: "kept quiet" says what "said nothing" says).
TURNS = frozenset(
    "only all every both sole lone single one "
    "refuse refused refuses reject rejected rejects cancel cancelled canceled cancels halt halted halts "
    "stop stopped stops suspend suspended suspends".split()
)
#: Every cue word. On real coverage the model's contradiction class does not tell a conflict from a
#: paraphrase by itself (AUC 0.55 on the aligned pairs of the tuning stories), so it only judges
#: pairs whose difference is one of polarity or of these words.
CUES = NEGATIVE | TURNS

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclasses.dataclass
class _Pair:
    """One aligned pair: sentence ``s`` (its stances ``stances``, entry ``at``) and ``ev``."""

    s: Sentence
    stances: list[tuple[Link, Any]]
    at: int
    ev: Sentence


def conflict_model() -> OnnxEntailment | None:
    """The model the check reads: the bundled 3-way model, or None when
    ``STORYCHECK_NLI_MODEL=none`` turns every entailment model off."""
    if os.environ.get("STORYCHECK_NLI_MODEL", "").lower() == "none":
        return None
    return OnnxEntailment.bundled()


def _content(s: Sentence) -> frozenset[str]:
    return s.facts.content if s.facts is not None else frozenset(content_words(s.text))


def near_pair(a: Sentence, b: Sentence) -> bool:
    """Whether two sentences say one thing with one difference: most content words shared, few changed."""
    x, y = _content(a), _content(b)
    if not x or not y or a.text == b.text:
        return False
    changed = len(x ^ y)
    return 0 < changed <= MAX_CHANGED and len(x & y) / len(x | y) >= MIN_SHARED


def changed_words(s: Sentence, other: Sentence) -> str:
    """The words of ``s`` that ``other`` lacks, in order: content words by their stem, cue words
    ("no", "one", "only") as written; the whole sentence when there is none."""
    theirs = _content(other)
    cues = _words(other.text) & CUES
    out = []
    for m in _WORD.finditer(s.text):
        w = m.group(0)
        stems = content_words(w)
        if (stems and stems[0] not in theirs) or (w.lower() in CUES and w.lower() not in cues):
            out.append(w)
    return " ".join(out) or s.text


def _words(text: str) -> set[str]:
    """Lower-case words, "no one" read as "nobody" and "didn't" as "not"."""
    low = re.sub(r"\bno[ -]one\b", "nobody", text.lower())
    return {"not" if w.endswith(("n't", "n’t")) else w for w in _WORD.findall(low)}


def has_cue(a: Sentence, b: Sentence) -> bool:
    """Whether the two differ in polarity (one says no, the other not) or in a quantity,
    exclusivity or reversal word (``TURNS``) that one has and the other lacks."""
    x, y = _words(a.text), _words(b.text)
    return bool(x & NEGATIVE) != bool(y & NEGATIVE) or bool((x ^ y) & TURNS)


def _aligned(s: Sentence, window: Sequence[Sentence]) -> Sentence | None:
    """The sentence of an evidence window that shares most content words with ``s``."""
    mine = _content(s)
    best, most = None, -1.0
    for ev in window:
        theirs = _content(ev)
        share = len(mine & theirs) / max(len(mine | theirs), 1)
        if share > most:
            best, most = ev, share
    return best


def find_conflicts(
    units: Sequence[Sequence[Sentence]],
    stances: dict[tuple[int, int], list[tuple[Link, Any]]],
    english: Sequence[bool],
    article_ids: Sequence[str],
    load: Callable[[], EntailmentBackend | None] = conflict_model,
) -> int:
    """Read every aligned near pair with the entailment model; turn confident conflicts into
    ``contradicts`` links (type ``claim``) and record the less certain ones in the sentence's
    ``possible_conflicts``. ``stances[(ai, i)]`` are the links of unit i of article ai (changed in
    place); ``english[ai]`` whether article ai is read in English; ``load`` gives the model (called
    only when there is a pair to read). Returns the pairs read."""
    index_of = {aid: n for n, aid in enumerate(article_ids)}
    by_index = [{u.index: u for u in us} for us in units]
    pairs: list[_Pair] = []
    for (ai, i), links in stances.items():
        s = units[ai][i]
        s.possible_conflicts = []
        if not english[ai] or s.index < 0 or s.language not in (None, "en"):
            continue
        for at, (ln, _) in enumerate(links):
            bi = index_of.get(ln.article)
            if bi is None or not english[bi] or ln.stance == "contradicts" or ln.evidence is None \
                    or ln.cos < MIN_COSINE:
                continue
            window = [u for k in (ln.evidence.sentences or (ln.evidence.sentence,))
                      if k >= 0 and (u := by_index[bi].get(k)) is not None and u.language in (None, "en")]
            ev = _aligned(s, window)
            if ev is not None and near_pair(s, ev) and has_cue(s, ev):
                pairs.append(_Pair(s, links, at, ev))
    model = load() if pairs else None
    if model is None:
        return 0
    texts = list(dict.fromkeys(p for x in pairs for p in ((x.ev.text, x.s.text), (x.s.text, x.ev.text))))
    probs = entailment_probs(model, texts)
    contra = {t: float(probs[n, 2]) for n, t in enumerate(texts)}
    for x in pairs:
        p = (contra[(x.ev.text, x.s.text)] + contra[(x.s.text, x.ev.text)]) / 2
        ln = x.stances[x.at][0]
        if p >= CONFIDENT:
            hit = Contradiction("claim", changed_words(x.s, x.ev), changed_words(x.ev, x.s), ln.article, x.ev.index)
            evidence = dataclasses.replace(ln.evidence, sentence=x.ev.index, text=x.ev.text, sentences=()) \
                if ln.evidence is not None else None
            x.stances[x.at] = (dataclasses.replace(ln, stance="contradicts", contradiction=hit, sentence=x.ev.index,
                                                   evidence=evidence), x.stances[x.at][1])
        elif p >= POSSIBLE:
            x.s.possible_conflicts.append(PossibleConflict(ln.article, x.ev.index, round(p, 4), x.ev.text))
    for x in pairs:
        x.s.possible_conflicts.sort(key=lambda c: -c.probability)
    return len(pairs)
