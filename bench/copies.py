"""Copy-detection benchmark (issue #7): precision and recall of copy pairs, and how
many "supported" verdicts rested only on copies before copy families existed.

Set: for every ECB+ dev topic, the real articles of its two events (two
earthquakes, two shootings: same vocabulary, different event) plus copies we
make of some of them with our own rewriting operations. Positives: copy ↔
source, and copies of one source among themselves. Negatives: any two articles
of different events (they cannot copy one another). Pairs of real articles of
the same event are left out of P/R: ECB+ holds genuine wire reprints among them
(e.g. 12_6/12_9 share 11 of 13 sentences), so "independent" is not a safe label
there; how many of them we call copies is reported separately.
Our operations:
  verbatim  new outlet line, same text
  trimmed   a third to a half of the sentences dropped
  spun      synonyms swapped (our table below), two sentences reordered
  extended  one or two invented sentences added
  spun+trimmed+extended  all three
Our own examples/merrow-bridge corpus is scored the same way (its families are
hand-labelled below).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path

SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "officials": "authorities", "police": "officers",
    "killed": "left dead", "announced": "revealed", "reported": "disclosed", "people": "individuals",
    "building": "structure", "began": "started", "started": "began", "help": "assist", "large": "big",
    "big": "large", "small": "little", "quickly": "rapidly", "near": "close to", "after": "following",
    "before": "ahead of", "about": "around", "more than": "over", "show": "reveal", "shows": "reveals",
    "injured": "hurt", "hurt": "injured", "attack": "assault", "deal": "agreement", "agreement": "deal",
    "company": "firm", "firm": "company", "city": "town", "town": "city", "car": "vehicle", "home": "house",
    "house": "home", "arrested": "detained", "died": "passed away", "children": "kids", "government": "administration",
    "also": "additionally", "but": "however", "because": "since", "large number": "great many", "told reporters": "said to the press",
    "on Monday": "Monday", "on Tuesday": "Tuesday", "fire": "blaze", "blaze": "fire", "crash": "collision",
    "won": "claimed", "team": "squad", "game": "match", "match": "game", "new": "fresh", "leader": "head",
}
INVENTED = [
    "Critics say the authorities ignored repeated warnings for months.",
    "Insiders describe the response as chaotic and poorly coordinated.",
    "Many residents now fear that the full story is being kept from them.",
    "Observers expect further revelations in the coming days.",
]
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def _sentences(text: str) -> list[str]:
    return [s for line in text.split("\n") for s in _SPLIT.split(line.strip()) if s.strip()]


def _spin(sentences: list[str], rnd: random.Random) -> list[str]:
    out = []
    for s in sentences:
        for a, b in SYNONYMS.items():
            if rnd.random() < 0.7:
                s = re.sub(rf"\b{re.escape(a)}\b", b, s)
        out.append(s)
    if len(out) > 3:
        i, j = rnd.sample(range(len(out)), 2)
        out[i], out[j] = out[j], out[i]
    return out


def make_copy(text: str, kind: str, rnd: random.Random) -> str:
    sents = _sentences(text)
    if "trimmed" in kind and len(sents) > 3:
        keep = sorted(rnd.sample(range(len(sents)), max(2, int(len(sents) * rnd.uniform(0.5, 0.67)))))
        sents = [sents[i] for i in keep]
    if "spun" in kind:
        sents = _spin(sents, rnd)
    if "extended" in kind:
        for extra in rnd.sample(INVENTED, rnd.randint(1, 2)):
            sents.insert(rnd.randint(1, len(sents)), extra)
    return "\n".join(sents)


KINDS = ["verbatim", "trimmed", "spun", "extended", "spun+trimmed+extended"]

# our sample corpus: the families as written (file stem → family)
EXAMPLE_FAMILIES = {"01_coastline_wire": "wire", "02_larkspur_ledger": "wire", "03_valley_courier": "courier",
                    "04_patriot_pulse": "pulse", "05_freedom_beacon": "pulse", "06_heartland_truth": "pulse",
                    "07_liberty_wire_now": "pulse"}


def ecb_topics(ecb: Path) -> list[tuple[list[dict], list[dict], dict[str, str], dict[str, str]]]:
    """Per ECB+ topic, in topic order: its rows, and its real articles with the source each derives
    from (itself) and its event, to which a bench adds the copies it makes."""
    by_topic: dict[str, list[dict]] = defaultdict(list)
    for line in ecb.read_text().splitlines():
        if line.strip():
            r = json.loads(line)
            by_topic[str(r["topic_id"])].append(r)
    out = []
    for tid in sorted(by_topic):
        rows = by_topic[tid]
        arts = [{"id": r["id"], "text": r["text"], "title": r.get("title")} for r in rows]
        out.append((rows, arts, {r["id"]: r["id"] for r in rows}, {r["id"]: r["cluster_id"] for r in rows}))
    return out


def topic_sets(ecb: Path, seed: int = 7) -> list[tuple[list[dict], dict[str, str], dict[str, str]]]:
    """Per ECB+ topic: articles (real and made), the source each derives from, and its event."""
    rnd = random.Random(seed)
    out = []
    for rows, arts, source, event in ecb_topics(ecb):
        for r in rnd.sample(rows, min(4, len(rows))):
            for k in rnd.sample(KINDS, 2):
                cid = f"{r['id']}~{k}"
                arts.append({"id": cid, "text": make_copy(r["text"], k, rnd), "title": r.get("title")})
                source[cid], event[cid] = r["id"], r["cluster_id"]
        out.append((arts, source, event))
    return out


def pair_scores(predicted: dict[str, str], source: dict[str, str], event: dict[str, str] | None = None
                ) -> tuple[int, int, int, int, int]:
    """(true, predicted, gold) counts over labelled pairs, then (called copies, all) for the
    unlabelled real pairs of one event."""
    ids = sorted(source)
    tp = pp = gp = un_called = un_all = 0
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            a, b = ids[i], ids[j]
            p = predicted[a] == predicted[b]
            g = source[a] == source[b]
            if not g and event is not None and event[a] == event[b]:
                if "~" not in a and "~" not in b:
                    un_all += 1
                    un_called += p
                continue
            tp += p and g
            pp += p
            gp += g
    return tp, pp, gp, un_called, un_all


def _sets(shared: Path, root: Path) -> list[tuple[list[dict], dict[str, str], dict[str, str] | None, str]]:
    from storycheck.ingest import read_paths

    ecb = shared / "benchmarks" / "ecbplus" / "dev.jsonl"
    sets = [(arts, src, ev, "ecb") for arts, src, ev in topic_sets(ecb)]
    ex = read_paths([root / "examples" / "merrow-bridge"])
    sets.append(([{"id": a.id, "text": a.text, "title": a.title, "_a": a} for a in ex],
                 {a.id: EXAMPLE_FAMILIES[Path(a.path).stem] for a in ex}, None, "examples"))
    return sets


def _scores(totals: dict[str, list[int]]) -> dict:
    res = {}
    for name, (tp, pp, gp, un_called, un_all) in totals.items():
        p = tp / pp if pp else 0.0
        r = tp / gp if gp else 0.0
        res[name] = {"true_pairs": tp, "predicted_pairs": pp, "gold_pairs": gp, "precision": p, "recall": r,
                     "f1": 2 * p * r / (p + r) if p + r else 0.0,
                     "same_event_real_pairs": un_all, "same_event_real_pairs_called_copies": un_called}
    return res


def detection(shared: Path, root: Path) -> dict:
    """Copy-pair precision and recall only (sentence vectors, no verification): the CI gate's figure."""
    from storycheck import Article
    from storycheck._pipeline import segment_article
    from storycheck.embed import default_backend
    from storycheck.story import find_families

    backend = default_backend()
    totals = {"ecb": [0] * 5, "examples": [0] * 5}
    for arts, fam, event, name in _sets(shared, root):
        objs = [segment_article(r.get("_a") or Article(id=r["id"], text=r["text"], title=r["title"])) for r in arts]
        sents = [s for a in objs for s in a.sentences]
        for s, v in zip(sents, backend.embed([s.text for s in sents])):
            s.vector = v
        predicted = {m: f.id for f in find_families(objs) for m in f.members}
        totals[name] = [x + y for x, y in zip(totals[name], pair_scores(predicted, fam, event))]
    return _scores(totals)


def run(shared: Path, root: Path) -> dict:
    from storycheck import Article
    from storycheck._pipeline import segment_article, source_articles
    from storycheck.embed import default_backend
    from storycheck.story import find_families
    from storycheck.story._families import apply_independence
    from storycheck.verify import verify_articles

    ecb = shared / "benchmarks" / "ecbplus" / "dev.jsonl"
    if not ecb.exists():
        return {"skipped": f"{ecb} not found"}
    backend = default_backend()
    sets = _sets(shared, root)
    totals = {"ecb": [0] * 5, "examples": [0] * 5}
    before = after = only_copies = sentences = 0
    for arts, fam, event, name in sets:
        objs = [r.get("_a") or Article(id=r["id"], text=r["text"], title=r["title"]) for r in arts]
        objs = [segment_article(a) for a in objs]
        source_articles(objs)
        verify_articles(objs, backend)
        supported_before = {(a.id, s.index) for a in objs for s in a.sentences if s.verdict == "supported"}
        families = find_families(objs)
        apply_independence(objs, families)
        predicted = {m: f.id for f in families for m in f.members}
        t = pair_scores(predicted, fam, event)
        totals[name] = [x + y for x, y in zip(totals[name], t)]
        sentences += sum(len(a.sentences) for a in objs)
        before += len(supported_before)
        after += sum(1 for a in objs for s in a.sentences if s.verdict == "supported")
        only_copies += sum(1 for a in objs for s in a.sentences if s.only_in_copies and (a.id, s.index) in supported_before)
    res = _scores(totals)
    res["verdicts"] = {"sentences": sentences, "supported_before": before, "supported_after": after,
                       "rested_only_on_copies": only_copies}
    return res
