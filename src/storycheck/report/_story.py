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
            "first_day": c.first_day,
            "first_day_articles": c.first_day_articles,
            "first_day_outlets": [names[a] for a in c.first_day_articles],
            "undated_carriers": c.undated,
            "trail": [
                {"article": v.article, "outlet": names[v.article], "published": v.published, "sentence": v.sentence,
                 "text": v.text, "changes": v.changes}
                for v in c.versions
            ],
        })
    return {
        "id": story_id,
        "outlets": {a.id: names[a.id] for a in articles},
        "languages": {a.id: a.language for a in articles},  # ISO 639-1 per article (None: not known)
        "families": [
            {
                "id": f.id, "original": f.original, "basis": f.basis, "members": f.members,
                "outlets": [names[m] for m in f.members],
                "copies": [
                    {"copy": c.copy, "parent": c.parent, "share": c.share, "changes": c.changes,
                     "added": [{"index": i, "text": text(c.copy, i)} for i in c.added],
                     "dropped": [{"index": i, "text": text(c.parent, i)} for i in c.dropped],
                     "evidence": evidence_dict(c), "credited": c.credited,
                     "passages": c.passages}
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


def first_text(c: dict[str, Any], names: dict[str, str], more_after: int = 3,
               unordered: str = " (order within the day unknown)") -> str:
    """Who reported a claim first, in words: the outlet when one was surely first, else the
    earliest day and its carriers ("2025-12-06: Aloha Digest, NY News Daily"), with what
    is unknown said rather than hidden."""
    undated = len(c.get("undated_carriers") or [])
    note = f" · {undated} undated carrier(s) not ordered" if undated else ""
    if c["first_outlet"]:
        who = names.get(c["first_reporter"], c["first_outlet"])
        return f"{who} {(c['first_published'] or '')[:16]}".strip() + note
    day = c.get("first_day")
    if not day:
        return "unknown" + note
    outlets = shorten([names.get(a, a) for a in c["first_day_articles"]], more_after)
    if len(c["first_day_articles"]) > 1:
        return f"{day}: {outlets}{unordered}{note}"
    return f"{day}: {outlets}{note}"


def shorten(items: list[str], keep: int = 3) -> str:
    """'A, B, C +4 more': long outlet lists stay one readable line."""
    head = ", ".join(items[:keep])
    return head + (f" +{len(items) - keep} more" if len(items) > keep else "")


def evidence_dict(c: Copy) -> dict[str, Any] | None:
    """What links a copy to its parent: aligned claims as [parent sentence, copy sentence]."""
    d = c.evidence
    if d is None:
        return None
    pairs = d.swapped() if c.flipped else d.pairs
    return {"claim_order": d.claim_order, "aligned_claims": len(pairs), "pairs": [list(p) for p in pairs],
            "shared_details": [{"kind": x.kind, "text": x.text} for x in d.shared_details],
            "shared_innovations": [{"kind": x.kind, "text": x.text} for x in d.shared_innovations],
            "shared_phrasing": len(d.shared_phrasing), "phrasing_share": d.phrasing_share}


def change_text(ch: dict[str, Any]) -> str:
    """One mutation step in words: 'number 14 cracks → 40 cracks'."""
    t = ch["type"]
    if t in ("number", "date", "quote", "source_kind", "language"):
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


def column_groups(doc: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The matrix's outlet columns grouped by copy family, largest family first: (label, article ids).
    A family of one is an independent source."""
    names = doc["outlets"]
    groups, seen = [], set()
    for f in doc["families"]:
        members = [m for m in f["members"] if m in names and m not in seen]
        seen.update(members)
        if members:
            label = f"family of {len(members)}" if len(members) > 1 else "alone"
            groups.append((label, members))
    rest = [a for a in names if a not in seen]
    if rest:
        groups.append(("alone", rest))
    return groups


#: Sentences an article adds to its parent listed under the family tree; the rest are counted.
MAX_ADDED_LINES = 3


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
            filer = c.get("credited")
            if filer:
                filer = filer.upper() if len(filer) <= 4 else filer.title()  # "AP", "AFP", "Reuters" ("dpa": "DPA")
                extra += f" · both datelines credit {filer}"
            if ev and verb == "derives from":
                extra += f" · {ev['aligned_claims']} claims, {ev['claim_order']:.0%} in order"
                extra += "".join(f" · shares {x['kind']} “{x['text']}”" for x in ev["shared_innovations"][:2])
            passages = c.get("passages") or 0
            if filer and not c["share"]:  # linked by the datelines alone
                out.append(f"  └ {names[c['copy']]} files the same {filer} report as {names[c['parent']]}")
            elif passages and not c["share"]:  # linked by the passages both keep word for word
                out.append(f"  └ {names[c['copy']]} keeps {passages} passages of {names[c['parent']]}'s "
                           "wording word for word")
            else:
                out.append(
                    f"  └ {names[c['copy']]} {verb} {names[c['parent']]}: {', '.join(c['changes']) or 'copy'}{extra}"
                )
            for a in c["added"][:MAX_ADDED_LINES]:
                out.append(f"      + {a['text']}")
            if len(c["added"]) > MAX_ADDED_LINES:
                out.append(f"      + {len(c['added']) - MAX_ADDED_LINES} more sentence(s)")
        for d in doc["duplicates"]:
            if d["original"] in f["members"]:
                out.append(
                    f"  └ {d['outlet'] or d['id']} republishes {names[d['original']]} "
                    f"({d['resemblance']:.0%} the same)"
                    + (f" · adds {len(d['added_sentences'])}" if d["added_sentences"] else "")
                )
    return out
