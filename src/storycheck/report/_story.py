"""The story section: copy families, claim × outlet matrix, first reporters, mutation
trails, copied passages and ranking. One dict feeds JSON, terminal and HTML."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._types import Article
from ..story import Copy, StoryReport
from ._style import label

CELL_MARK = {"carries": "●", "contradicts": "✗", "silent": "·"}


def story_dict(
    articles: Sequence[Article],
    report: StoryReport,
    *,
    story_id: str | None = None,
    duplicates: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The ``story`` object of the JSON document (a public contract: add, never rename)."""
    by_id = {a.id: a for a in articles}
    names = {a.id: label(a.id, a.outlet, a.title) for a in articles}
    fam = {m: f.id for f in report.families for m in f.members}

    def text(aid: str, idx: int) -> str:
        return by_id[aid].sentences[idx].text

    claims = []
    for c in report.claims:
        carriers = [a for a, cell in c.cells.items() if cell == "carries"]
        claims.append({
            "id": c.id,
            "text": c.text,
            "cells": c.cells,
            "carried_by": len(carriers),
            "independent_sources": len({fam.get(a, a) for a in carriers}),
            "contradicted_by": len([a for a, cell in c.cells.items() if cell == "contradicts"]),
            "first_reporter": c.first_reporter or "unknown",
            "first_outlet": names[c.first_reporter] if c.first_reporter else None,
            "first_published": c.first_published,
            "trail": [
                {"article": v.article, "outlet": names[v.article], "published": v.published, "sentence": v.sentence,
                 "text": v.text, "changes": v.changes}
                for v in c.versions
            ],
        })
    return {
        "id": story_id,
        "outlets": {a.id: names[a.id] for a in articles},
        "families": [
            {
                "id": f.id, "original": f.original, "basis": f.basis, "members": f.members,
                "outlets": [names[m] for m in f.members],
                "copies": [
                    {"copy": c.copy, "parent": c.parent, "share": c.share, "changes": c.changes,
                     "added": [{"index": i, "text": text(c.copy, i)} for i in c.added],
                     "dropped": [{"index": i, "text": text(c.parent, i)} for i in c.dropped],
                     "evidence": evidence_dict(c)}
                    for c in f.copies
                ],
            }
            for f in report.families
        ],
        "duplicates": list(duplicates),
        "claims": claims,
        "copied_passages": [
            {"a": p.a, "b": p.b, "copier": p.copier, "words": p.words, "text": p.text,
             "a_span": [p.a_start, p.a_end], "b_span": [p.b_start, p.b_end]}
            for p in sorted(report.passages, key=lambda p: -p.words)
        ],
        "ranking": [
            {"article": r.article, "outlet": names[r.article], "unique_share": r.unique_share,
             "drivers": [{"index": i, "text": text(r.article, i), "verdict": by_id[r.article].sentences[i].verdict}
                         for i in r.drivers]}
            for r in report.ranking
        ],
    }


def evidence_dict(c: Copy) -> dict[str, Any] | None:
    """What links a copy to its parent: aligned claims as [parent sentence, copy sentence]."""
    d = c.evidence
    if d is None:
        return None
    pairs = d.swapped() if c.flipped else d.pairs
    return {"claim_order": d.claim_order, "aligned_claims": len(pairs), "pairs": [list(p) for p in pairs],
            "shared_details": [{"kind": x.kind, "text": x.text} for x in d.shared_details],
            "shared_innovations": [{"kind": x.kind, "text": x.text} for x in d.shared_innovations]}


def change_text(ch: dict[str, Any]) -> str:
    """One mutation step in words: 'number 14 cracks → 40 cracks'."""
    t = ch["type"]
    if t in ("number", "date", "quote", "source_kind"):
        return f"{t.replace('_', ' ')}: {ch['from']} → {ch['to']}"
    if t in ("hedge_dropped", "hedge_added", "loaded_added"):
        return f"{t.replace('_', ' ')}: {ch['word']}"
    if t == "wording":
        parts = []
        if ch["added"]:
            parts.append("+" + ", +".join(ch["added"]))
        if ch["removed"]:
            parts.append("−" + ", −".join(ch["removed"]))
        return "wording " + " ".join(parts)
    return t


def family_lines(doc: dict[str, Any]) -> list[str]:
    """Plain lines for the family trees, shared by the terminal and HTML reports."""
    names = doc["outlets"]
    out = []
    for f in doc["families"]:
        if len(f["members"]) == 1 and not any(d["original"] == f["original"] for d in doc["duplicates"]):
            continue
        out.append(f"family of {len(f['members'])}: original {names[f['original']]} ({f['basis']})")
        for c in f["copies"]:
            extra = f" · adds {len(c['added'])}" if c["added"] else ""
            extra += f" · drops {len(c['dropped'])}" if c["dropped"] else ""
            ev = c.get("evidence")
            verb = "derives from" if {"rewritten", "derived"} & set(c["changes"]) else "copies"
            if ev and verb != "copies":
                extra += f" · {ev['aligned_claims']} claims, {ev['claim_order']:.0%} in order"
                extra += "".join(f" · shares {x['kind']} “{x['text']}”" for x in ev["shared_innovations"][:2])
            out.append(f"  └ {names[c['copy']]} {verb} {names[c['parent']]}: {', '.join(c['changes']) or 'copy'}{extra}")
            for a in c["added"]:
                out.append(f"      + {a['text']}")
        for d in doc["duplicates"]:
            if d["original"] in f["members"]:
                out.append(f"  └ {d['outlet'] or d['id']} republishes {names[d['original']]} "
                           f"({d['resemblance']:.0%} the same)" + (f" · adds {len(d['added_sentences'])}" if d["added_sentences"] else ""))
    return out
