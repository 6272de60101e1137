"""Training and held-out pairs for storycheck's entailment cross-encoder (issue #13, item 3).

Three sources, each turned into (premise, hypothesis, label) with label 1 = the premise entails
the hypothesis, 0 = anything else:

- SNLI 1.0 dev/test (``/work/shared/nli/snli_*.jsonl``): entailment vs neutral + contradiction;
- WiCE dev/test (``wice_*.jsonl``): supported vs partially_supported + not_supported;
- synthetic news pairs made here from raw article text: the ``source`` field of the claim
  benchmarks' dev files (the articles only: no claim and no label is read) and our own fictional
  examples (``examples/``). For a sentence of an article, the premise is a window of 1-3 sentences
  around it; the positive hypotheses are the sentence itself, its first clause, or the sentence
  without its attribution; the negatives are the sentence with a number changed, a date changed, a
  name swapped for another name of the same article, a negation inserted or removed, a sentence from
  further away in the same article, or a sentence from another article.

Articles are split into train / held-out by a hash of their text, so no held-out synthetic pair
shares an article with a training pair. Everything is seeded: the same arguments give the same pairs.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storycheck.analyze import analyze_sentence
from storycheck.segment import split_sentences

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "twenty", "thirty", "forty", "fifty", "hundred"]
_AUX = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|should|did|does|do|must|may)\b",
                  re.IGNORECASE)
_NEG = re.compile(r"\s*\b(not|never)\b|n't\b", re.IGNORECASE)
_ATTRIB = re.compile(r",?\s*(?:he|she|they|it|officials?|police|[A-Z][a-z]+(?: [A-Z][a-z]+)?) "
                     r"(?:said|says|told [A-Za-z ]{1,30}|added|reported)\s*\.?$")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Pair:
    premise: str
    hypothesis: str
    label: int  # 1 = entailment
    source: str  # "snli", "wice", "synthetic"
    kind: str  # the original label, or the synthetic recipe ("window", "number", ...)


def read_jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def snli_pairs(path: Path) -> list[Pair]:
    return [Pair(str(r["premise"]), str(r["hypothesis"]), int(r["label"] == "entailment"), "snli", str(r["label"]))
            for r in read_jsonl(path)]


def wice_pairs(path: Path) -> list[Pair]:
    return [Pair(str(r["premise"]), str(r["hypothesis"]), int(r["label"] == "supported"), "wice", str(r["label"]))
            for r in read_jsonl(path)]


def news_documents(shared: Path, examples: Path | None) -> list[str]:
    """Article texts: the benchmarks' ``source`` fields (deduplicated) and our own examples."""
    seen: set[str] = set()
    docs: list[str] = []
    for path in sorted((shared / "benchmarks").glob("*/dev.jsonl")):
        for rec in read_jsonl(path):
            text = rec.get("source")  # the article only; claims and labels are never read
            if isinstance(text, str) and text.strip():
                key = " ".join(text.lower().split())
                if key not in seen:
                    seen.add(key)
                    docs.append(text)
    if examples is not None and examples.is_dir():
        from storycheck.ingest import read_paths

        for article in read_paths([str(p) for p in sorted(examples.rglob("*")) if p.is_file()]):
            docs.append(article.text)
    return docs


def held_out_doc(text: str, share: float = 0.12) -> bool:
    h = int(hashlib.sha1(" ".join(text.lower().split()).encode()).hexdigest()[:8], 16)
    return h / 0xFFFFFFFF < share


# ---------------------------------------------------------------- synthetic edits (None = not applicable)

def _other_number(text: str, rng: random.Random) -> str | None:
    m = _DIGITS.search(text)
    if m:
        raw = m.group().replace(",", "")
        try:
            val = float(raw)
        except ValueError:
            return None
        choices = [val * 2, val + rng.randint(1, 9), max(0.0, val - rng.randint(1, 9)), val * 3, round(val / 2)]
        new = rng.choice([c for c in choices if c != val] or [val + 1])
        out = (f"{new:.1f}" if "." in raw else f"{round(new):,}" if "," in m.group() else str(round(new)))
        return text[: m.start()] + out + text[m.end():]
    low = text.lower()
    for w in NUMBER_WORDS:
        i = re.search(rf"\b{w}\b", low)
        if i:
            new = rng.choice([x for x in NUMBER_WORDS if x != w])
            return text[: i.start()] + new + text[i.end():]
    return None


def edit_number(sentence: str, rng: random.Random) -> str | None:
    facts = analyze_sentence(sentence)
    qs = [q for q in facts.quantities if q.unit != "@year"]
    if not qs:
        return None
    q = rng.choice(qs)
    new = _other_number(q.text, rng)
    return None if new is None or new == q.text else sentence[: q.start] + new + sentence[q.end:]


def edit_date(sentence: str, rng: random.Random) -> str | None:
    facts = analyze_sentence(sentence)
    for d in rng.sample(facts.dates, len(facts.dates)):
        span = d.text
        for names in (MONTHS, WEEKDAYS):
            for i, name in enumerate(names):
                for form in (name, name[:3] + "."):
                    if re.search(rf"\b{re.escape(form)}", span):
                        other = names[(i + rng.randint(1, len(names) - 1)) % len(names)]
                        new = re.sub(rf"\b{re.escape(form)}", other if form == name else other[:3] + ".", span, count=1)
                        return sentence[: d.start] + new + sentence[d.end:]
        if d.year is not None and str(d.year) in span:
            new = span.replace(str(d.year), str(d.year + rng.choice([-3, -2, -1, 1, 2])), 1)
            return sentence[: d.start] + new + sentence[d.end:]
    years = [q for q in facts.quantities if q.unit == "@year"]
    if years:
        q = rng.choice(years)
        return sentence[: q.start] + str(int(q.value) + rng.choice([-3, -2, -1, 1, 2])) + sentence[q.end:]
    return None


def edit_name(sentence: str, doc_names: list[str], rng: random.Random) -> str | None:
    names = [n for n in analyze_sentence(sentence).names if n in sentence]
    if not names:
        return None
    name = rng.choice(names)
    pool = [n for n in doc_names if n.lower() not in sentence.lower() and name.lower() not in n.lower()
            and n.lower() not in name.lower()]
    if not pool:
        return None
    return sentence.replace(name, rng.choice(pool), 1)


def edit_negation(sentence: str, rng: random.Random) -> str | None:
    m = _NEG.search(sentence)
    if m:
        out = sentence[: m.start()] + sentence[m.end():]
        return out.replace("ca ", "can ").replace("wo ", "will ").replace("  ", " ")
    m = _AUX.search(sentence)
    if m:
        return sentence[: m.end()] + " not" + sentence[m.end():]
    return None


def first_clause(sentence: str) -> str | None:
    parts = sentence.split(", ")
    if len(parts) < 2 or len(parts[0].split()) < 6:
        return None
    head = parts[0]
    if head.count('"') % 2 or head.count("“") != head.count("”"):
        return None
    return head.rstrip(".") + "."


def drop_attribution(sentence: str) -> str | None:
    m = _ATTRIB.search(sentence)
    if not m or m.start() < 25:
        return None
    return sentence[: m.start()].strip(" ,\"“”") + "."


def _usable(sentence: str) -> bool:
    n = len(sentence.split())
    return 6 <= n <= 60 and not sentence.isupper()


def synthetic_pairs(docs: list[str], n_pairs: int, rng: random.Random) -> list[Pair]:
    """About n_pairs pairs, ~40 % entailed, from the given articles (several sentences per article)."""
    split: list[list[str]] = []
    for text in docs:
        sents = [s for _, _, s in split_sentences(text)]
        if sum(_usable(s) for s in sents) >= 3:
            split.append(sents)
    if not split:
        return []
    out: list[Pair] = []
    order = list(range(len(split)))
    negatives = ["number", "date", "name", "negation", "far", "other_doc"]
    while len(out) < n_pairs:
        rng.shuffle(order)
        before = len(out)
        for di in order:
            if len(out) >= n_pairs:
                break
            sents = split[di]
            idx = [i for i, s in enumerate(sents) if _usable(s)]
            i = rng.choice(idx)
            sent = sents[i]
            left, right = rng.randint(0, 1), rng.randint(0, 1)
            window = " ".join(sents[max(0, i - left): i + right + 1])
            # positive: the sentence, or a part of it that the window still entails
            pos = rng.choice([sent, sent, first_clause(sent), drop_attribution(sent)]) or sent
            out.append(Pair(window, pos, 1, "synthetic", "window" if pos == sent else "window_part"))
            # one or two negatives against the same window
            for kind in rng.sample(negatives, 2 if rng.random() < 0.5 else 1):
                hyp: str | None = None
                if kind == "number":
                    hyp = edit_number(sent, rng)
                elif kind == "date":
                    hyp = edit_date(sent, rng)
                elif kind == "name":
                    doc_names = sorted({n for s in sents for n in analyze_sentence(s).names})
                    hyp = edit_name(sent, doc_names, rng)
                elif kind == "negation":
                    hyp = edit_negation(sent, rng)
                elif kind == "far":
                    far = [j for j in idx if abs(j - i) > 3]
                    hyp = sents[rng.choice(far)] if far else None
                else:
                    other = split[rng.choice(order)]
                    if other is not sents:
                        hyp = rng.choice([s for s in other if _usable(s)])
                if hyp and hyp != sent and hyp not in window:
                    out.append(Pair(window, hyp, 0, "synthetic", kind))
        if len(out) == before:
            break
    return out[:n_pairs]


def _take(pairs: list[Pair], n: int, rng: random.Random) -> list[Pair]:
    pairs = list(pairs)
    rng.shuffle(pairs)
    return pairs[:n]


def build(shared: Path, examples: Path | None, *, n_snli: int, n_wice: int, n_synthetic: int,
          n_eval_snli: int, n_eval_synthetic: int, seed: int = 13) -> tuple[list[Pair], dict[str, list[Pair]]]:
    """(training pairs, {held-out set name: pairs}). Counts are caps; fewer come back if a source runs out."""
    rng = random.Random(seed)
    nli = shared / "nli"
    docs = news_documents(shared, examples)
    train_docs = [d for d in docs if not held_out_doc(d)]
    eval_docs = [d for d in docs if held_out_doc(d)]
    train = (_take(snli_pairs(nli / "snli_dev.jsonl"), n_snli, rng)
             + _take(wice_pairs(nli / "wice_dev.jsonl"), n_wice, rng)
             + synthetic_pairs(train_docs, n_synthetic, random.Random(seed + 1)))
    rng.shuffle(train)
    held = {
        "wice_test": wice_pairs(nli / "wice_test.jsonl"),
        "snli_test": _take(snli_pairs(nli / "snli_test.jsonl"), n_eval_snli, random.Random(seed + 2)),
        "synthetic_heldout_docs": synthetic_pairs(eval_docs, n_eval_synthetic, random.Random(seed + 3)),
    }
    return train, held


def counts(pairs: Iterable[Pair]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for p in pairs:
        c = out.setdefault(p.source, {})
        c[p.kind] = c.get(p.kind, 0) + 1
        c["_entailed"] = c.get("_entailed", 0) + p.label
        c["_total"] = c.get("_total", 0) + 1
    return out


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Print a sample of the NLI training pairs and their counts.")
    ap.add_argument("--shared", type=Path, default=Path("/work/shared"))
    ap.add_argument("--examples", type=Path, default=Path(__file__).resolve().parents[1] / "examples")
    ap.add_argument("--n", type=int, default=12)
    a = ap.parse_args()
    tr, ho = build(a.shared, a.examples, n_snli=2000, n_wice=2000, n_synthetic=5000, n_eval_snli=1000,
                   n_eval_synthetic=1000)
    print(json.dumps({"train": counts(tr), **{k: counts(v) for k, v in ho.items()}}, indent=1))
    for p in [p for p in tr if p.source == "synthetic"][: a.n]:
        print(p.label, p.kind, "|", p.premise[:160], "||", p.hypothesis)
