"""Derivation benchmark (issue 14): are rewrites and derived articles grouped with their
source, and independent reports of one event kept apart?

Sets:
- our network, examples/brackwell-derailment (a wire story, six sites rewording every
  sentence, two independent reports; the groups as written) and examples/merrow-bridge
  (hand-labelled families, bench/copies.py);
- ECB+ dev topics with the copies of bench/copies.py plus one *rewritten* copy of each
  sampled source (our operation below: every sentence reworded with a larger synonym
  table, its clauses turned around, filler dropped; the claims keep their order);
- hand-labelled pairs of real ECB+ articles of one event that are independent reports
  (bench/derivation_labels.json): how many are wrongly put in one group.

Pairs are scored as in bench/copies.py (positives: copy ↔ source and copies of one
source; negatives: articles of different events), once with copy families only
(``derive=False``, the 0.5.0 behaviour) and once with derivation groups, over the same
verified articles; the verdicts are counted both ways.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from copies import EXAMPLE_FAMILIES, KINDS, _sentences, ecb_topics, make_copy, pair_scores

REWORD = {
    "said": "stated", "says": "claims", "told": "informed", "officials": "authorities", "police": "law enforcement",
    "killed": "left dead", "announced": "made public", "reported": "disclosed", "people": "individuals",
    "building": "premises", "began": "got under way", "help": "aid", "large": "sizeable", "small": "minor",
    "near": "close to", "after": "following", "before": "prior to", "about": "roughly", "more than": "upwards of",
    "injured": "wounded", "attack": "assault", "deal": "agreement", "company": "firm", "city": "municipality",
    "arrested": "detained", "died": "passed away", "government": "administration", "also": "in addition",
    "but": "yet", "because": "as", "on Monday": "Monday", "on Tuesday": "Tuesday", "on Wednesday": "Wednesday",
    "on Thursday": "Thursday", "on Friday": "Friday", "on Saturday": "Saturday", "on Sunday": "Sunday",
    "fire": "blaze", "crash": "collision", "won": "secured", "team": "side", "new": "fresh", "leader": "chief",
    "Friday": "on Friday", "made": "put forward", "offer": "proposal", "year": "twelve months", "was": "had been",
    "were": "had been", "has": "now has", "have": "now have", "will": "is set to", "would": "was expected to",
    "could": "might", "the first": "the initial", "according to": "as per", "including": "among them",
    "during": "amid", "against": "versus", "while": "whilst", "who": ", a person who", "which": "that",
    "found": "discovered", "took": "seized", "went": "headed", "came": "arrived", "think": "believe",
    "shot": "gunned down", "stole": "made off with", "said on": "stated on", "in the": "within the",
    "of the": "of that", "to the": "toward the", "for the": "for that", "and": "as well as", "with": "alongside",
    "from": "out of", "by": "via", "at": "in", "on": "upon", "is": "remains", "are": "remain",
}
_FILLER = re.compile(r"\b(the|a|an|that|very|just)\s+", re.IGNORECASE)


def rewrite(text: str, rnd: random.Random) -> str:
    """Every sentence reworded, its two halves swapped at the first comma; the order of
    the sentences kept (what a language-model rewrite does, crudely)."""
    out = []
    for s in _sentences(text):
        for a, b in REWORD.items():
            s = re.sub(rf"\b{re.escape(a)}\b", b, s)
        if rnd.random() < 0.8:
            s = _FILLER.sub("", s)
        head, sep, tail = s.partition(", ")
        if sep and len(tail.split()) > 3 and len(head.split()) > 3:
            s = tail.rstrip(".") + ", " + head[0].lower() + head[1:] + "."
        out.append(s[0].upper() + s[1:] if s else s)
    return "\n".join(out)


_W = re.compile(r"[a-z0-9]+")


def kept_share(original: str, copy: str) -> float:
    """Mean over the copy's sentences of the share of the closest original sentence's words it keeps."""
    orig = [set(_W.findall(s.lower())) for s in _sentences(original)]
    shares = []
    for s in _sentences(copy):
        w = set(_W.findall(s.lower()))
        shares.append(max((len(w & o) / len(o) for o in orig if o), default=0.0))
    return sum(shares) / len(shares) if shares else 0.0


def ecb_sets(ecb: Path, seed: int = 7) -> tuple[list[tuple[list[dict], dict[str, str], dict[str, str]]], list[float]]:
    """Per ECB+ dev topic: real articles, bench/copies.py copies and a rewritten copy of each sampled source."""
    rnd = random.Random(seed)
    out, kept = [], []
    for rows, arts, source, event in ecb_topics(ecb):
        for r in rnd.sample(rows, min(4, len(rows))):
            made = [(k, make_copy(r["text"], k, rnd)) for k in rnd.sample(KINDS, 1)] + [("rewritten", rewrite(r["text"], rnd))]
            kept.append(kept_share(r["text"], made[-1][1]))
            for k, text in made:
                cid = f"{r['id']}~{k}"
                arts.append({"id": cid, "text": text, "title": r.get("title")})
                source[cid], event[cid] = r["id"], r["cluster_id"]
        out.append((arts, source, event))
    return out, kept


NETWORK_GROUPS = {"01_northstar_press": "wire", **{f: "wire" for f in (
    "02_daily_current_hub", "03_newspulse_today", "04_trendline_report", "05_viral_ledger", "06_infostream_24",
    "07_headline_harbor")}, "08_brackwell_gazette": "gazette", "09_cresset_valley_radio": "radio"}


def _verified(arts: list) -> list:
    from storycheck._pipeline import segment_article, source_articles
    from storycheck.embed import default_backend
    from storycheck.verify import verify_articles

    objs = [segment_article(a) for a in arts]
    source_articles(objs)
    verify_articles(objs, default_backend())
    return objs


def _judge(objs: list, derive: bool, timing: dict[str, float] | None = None
           ) -> tuple[dict[str, str], dict[tuple[str, int], tuple[str | None, bool]]]:
    import time

    from storycheck.story import find_families
    from storycheck.story._families import apply_independence

    t = time.perf_counter()
    fams = find_families(objs, derive=derive)
    if timing is not None:  # the families' cost per story, the largest story's kept
        secs = time.perf_counter() - t
        key = "derivation_groups_s" if derive else "copy_families_s"
        if len(objs) >= timing.get(key + "_articles", 0):
            timing[key], timing[key + "_articles"] = secs, len(objs)
    apply_independence(objs, fams)
    verdicts = {(a.id, s.index): (s.verdict, s.only_in_copies) for a in objs for s in a.sentences}
    return {m: f.id for f in fams for m in f.members}, verdicts


def run(shared: Path, root: Path, topics: int | None = None) -> dict:
    from storycheck import Article
    from storycheck.ingest import read_paths

    ecb = shared / "benchmarks" / "ecbplus" / "dev.jsonl"
    labels = [tuple(p) for p in json.loads((root / "bench" / "derivation_labels.json").read_text())["independent"]]
    sets: list[tuple[str, list, dict[str, str], dict[str, str] | None]] = []
    for folder, gold in (("brackwell-derailment", NETWORK_GROUPS), ("merrow-bridge", EXAMPLE_FAMILIES)):
        arts = read_paths([root / "examples" / folder])
        sets.append((folder, arts, {a.id: gold[Path(a.path).stem] for a in arts}, None))
    kept: list[float] = []
    if ecb.exists():
        ecb_topics, kept = ecb_sets(ecb)
        for arts, source, event in ecb_topics[:topics]:
            sets.append(("ecb", [Article(id=r["id"], text=r["text"], title=r["title"]) for r in arts], source, event))
    totals: dict[str, dict[str, list[int]]] = {}
    counts = {"sentences": 0, "supported_before": 0, "supported_after": 0, "became_only_in_copies": 0,
              "became_unsupported_or_opinion": 0, "became_supported": 0}
    indep = {"before": 0, "after": 0, "pairs": 0}
    doc_of = {}
    timing: dict[str, float] = {}
    for name, arts, gold, event in sets:
        print(f"derivation: {name} ({len(arts)} articles)", file=sys.stderr)
        objs = _verified(arts)
        before, v0 = _judge(objs, derive=False, timing=timing)
        after, v1 = _judge(objs, derive=True, timing=timing)
        for mode, pred in (("copies_only", before), ("derivation", after)):
            t = pair_scores(pred, gold, event)
            acc = totals.setdefault(name, {}).setdefault(mode, [0] * 5)
            totals[name][mode] = [x + y for x, y in zip(acc, t)]
        counts["sentences"] += len(v0)
        counts["supported_before"] += sum(v == "supported" for v, _ in v0.values())
        counts["supported_after"] += sum(v == "supported" for v, _ in v1.values())
        for k, (v, _) in v0.items():
            nv, only = v1[k]
            if v == "supported" and nv != "supported":
                counts["became_only_in_copies"] += only
                counts["became_unsupported_or_opinion"] += 1
            counts["became_supported"] += v != "supported" and nv == "supported"
        if name == "ecb":
            doc_of.update({a.id.removeprefix("ecbplus-"): (before, after, a.id) for a in objs})
    for a, b in labels:
        if a in doc_of and b in doc_of:
            before, after, ida = doc_of[a]
            idb = doc_of[b][2]
            indep["pairs"] += 1
            indep["before"] += before[ida] == before[idb]
            indep["after"] += after[ida] == after[idb]
    res: dict = {}
    for name, modes in totals.items():
        res[name] = {}
        for mode, (tp, pp, gp, _, _) in modes.items():
            p, r = (tp / pp if pp else 0.0), (tp / gp if gp else 0.0)
            res[name][mode] = {"true_pairs": tp, "predicted_pairs": pp, "gold_pairs": gp, "precision": p, "recall": r}
    res["independent_pairs"] = {**indep, "labelled": len(labels),
                                "called_derived_share": indep["after"] / indep["pairs"] if indep["pairs"] else None}
    res["verdicts"] = counts
    res["families_time"] = timing
    res["rewritten_copies_words_kept"] = {"mean": sum(kept) / len(kept) if kept else None,
                                          "max": max(kept) if kept else None, "copies": len(kept)}
    return res
