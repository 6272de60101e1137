"""The locked split of the dev claim sets (issue 24): about 30 % of the source documents of each
claim set, held out from every model choice and every fit, and used only to report.

How it was made (run once, 2026-12-06; `python train/locked_split.py --write` rewrites the file and
must give the same list):

- a source document is identified by ``doc_key``: the SHA-1 of its text, lower-cased with runs of
  white space made one space (the same key ``nli_data.held_out_doc`` uses), so the same XSum
  article is on the same side in every set that carries it;
- a document is locked when the first 8 hex digits of SHA-256(f"{SEED}:{doc_key}") read as a
  fraction of 0xFFFFFFFF are below ``SHARE`` (0.30), with SEED = "storycheck-locked-24";
- only ``../shared/benchmarks/<set>/dev.jsonl`` of the six claim sets are read (the ``source``
  field; no label decides anything).

``train/locked_split.json`` lists the locked documents' keys, with the counts per set. Everything
that trains (the claim model, the entailment model's claim pairs and its synthetic news pairs)
leaves those documents out; ``train/eval_locked.py`` reports on them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

SEED = "storycheck-locked-24"
SHARE = 0.30
SETS = ("frank", "xsumfaith", "qags_cnndm", "qags_xsum", "cogensumm", "cliff")
FILE = Path(__file__).resolve().parent / "locked_split.json"


def doc_key(text: str) -> str:
    return hashlib.sha1(" ".join(text.lower().split()).encode()).hexdigest()


def _draw(key: str) -> bool:
    return int(hashlib.sha256(f"{SEED}:{key}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < SHARE


_LOCKED: frozenset[str] | None = None


def locked_keys() -> frozenset[str]:
    """The keys written in locked_split.json (the file, not the rule, is what counts)."""
    global _LOCKED
    if _LOCKED is None:
        _LOCKED = frozenset(json.loads(FILE.read_text())["locked_documents"])
    return _LOCKED


def is_locked(source_text: str) -> bool:
    return doc_key(source_text) in locked_keys()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--write", action="store_true", help="(re)write locked_split.json")
    a = ap.parse_args()
    keys: set[str] = set()
    per_set: dict[str, dict[str, int]] = {}
    for name in SETS:
        docs: dict[str, bool] = {}
        claims = locked_claims = 0
        for line in (a.shared / "benchmarks" / name / "dev.jsonl").read_text().splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            k = doc_key(r["source"])
            docs[k] = _draw(k)
            claims += 1
            locked_claims += docs[k]
        keys |= {k for k, v in docs.items() if v}
        per_set[name] = {"documents": len(docs), "locked_documents": sum(docs.values()),
                         "claims": claims, "locked_claims": locked_claims}
    doc = {"how": "doc_key = sha1 of the source text lower-cased, white space collapsed; locked when "
                  f"int(sha256('{SEED}:' + doc_key)[:8], 16) / 0xFFFFFFFF < {SHARE}; see train/locked_split.py",
           "seed": SEED, "share": SHARE, "per_set": per_set, "locked_documents": sorted(keys)}
    if a.write:
        FILE.write_text(json.dumps(doc, indent=1) + "\n")
    elif FILE.exists():
        written = json.loads(FILE.read_text())["locked_documents"]
        assert sorted(keys) == sorted(written), "the rule no longer gives the file"
    print(json.dumps(per_set, indent=1))


if __name__ == "__main__":
    main()
