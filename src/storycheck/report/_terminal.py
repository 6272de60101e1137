from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from .._types import Article
from ._json import to_json_dict
from ._style import COLOURS, clickbait, headline_line, label, profile_line, sourcing_lines, where


def render_terminal(articles: Sequence[Article] | dict[str, Any], console: Console | None = None, *,
                    evidence: int = 1) -> None:
    """Sentences coloured by verdict, the best evidence beneath, a summary line per article;
    the story view first when the document has one."""
    con = console or Console()
    doc = articles if isinstance(articles, dict) else to_json_dict(articles)
    names = {a["id"]: label(a["id"], a["outlet"], a["title"]) for a in doc["articles"]}
    for a in doc["articles"]:
        con.print(Text(a["title"] or a["id"], style="bold underline"))
        meta = " · ".join(x for x in (a["outlet"], a.get("language"), a["published"], a["path"], f"id {a['id']}") if x)
        con.print(Text(meta, style="dim"))
        head = headline_line(a)
        if head:
            con.print(Text("    " + head, style="bold red" if clickbait(a) else "dim"))
        for s in a["sentences"]:
            colour = COLOURS.get(s["verdict"] or "", ("white",))[0]
            line = Text(f"{s['index']:>3} ", style="dim")
            line.append(f"[{s['verdict']} {s['score'] or 0:.2f}] ", style=colour)
            line.append(s["text"])
            con.print(line)
            c = s.get("contradiction")
            if c is not None:
                con.print(Text(f"      ✗ {c['type']}: “{c['claim_span']}” here vs “{c['evidence_span']}” in "
                               f"{names.get(c['article'], c['article'])} {where(c['sentence'])}", style="red"))
            if s["verdict"] == "supported" and s["contradicted_by"]:
                con.print(Text("      ! disputed by " + ", ".join(names.get(x, x) for x in s["contradicted_by"]),
                               style="red"))
            for extra in sourcing_lines(s, names):
                con.print(Text("      · " + extra, style="cyan"))
            for e in s["evidence"][:evidence]:
                con.print(
                    Text(
                        f"      ↳ {names.get(e['article'], e['article'])} "
                        f"{where(e['sentence'], e.get('sentences'))} ({e['score']:.2f}): "
                        f"{e['text']}",
                        style="dim",
                    )
                )
        sm = a["summary"]
        summary = Text("  summary: ", style="bold")
        for v in ("supported", "contradicted", "unsupported", "opinion"):
            summary.append(f"{sm[v]} {v}  ", style=COLOURS[v][0])
        summary.append(f"· {sm['unique_share']:.0%} of the text carried by no other outlet")
        con.print(summary)
        con.print(Text("  " + profile_line(a["sourcing"]), style="cyan"))
        con.print()
    if doc.get("story") is not None:
        render_story_terminal(doc["story"], con)


#: Outlet columns shown in the terminal matrix; JSON and HTML carry them all.
MAX_TERMINAL_COLUMNS = 26
#: The claim text keeps at least this many characters; outlet columns give way first.
MIN_TEXT_WIDTH = 28
#: Width of the "first reported" column.
FIRST_WIDTH = 22


def _letter(i: int) -> str:
    """A, B, … Z, then a, b, … z, then 52, 53, … (a one-character column while it lasts)."""
    return chr(ord("A") + i) if i < 26 else chr(ord("a") + i - 26) if i < 52 else str(i)


def render_story_terminal(doc: dict[str, Any], console: Console | None = None) -> None:
    """The story view: families, claim × outlet matrix, trails, copied passages, ranking."""
    from rich import box
    from rich.table import Table

    from ._story import CELL_MARK, change_text, column_groups, family_lines, first_text

    con = console or Console()
    names = doc["outlets"]
    ids = list(names)
    con.print(Text(f"Story {doc['id'] or ''} · {len(ids)} articles · {len(doc['families'])} independent source(s)",
                   style="bold underline"))
    for line in family_lines(doc):
        con.print(Text(line, style="cyan"))
    groups = column_groups(doc)
    ordered = [a for _, members in groups for a in members]
    shown = ordered[:max(1, min(MAX_TERMINAL_COLUMNS, (con.width - MIN_TEXT_WIDTH - FIRST_WIDTH - 20) // 3))]
    letter = {a: _letter(i) for i, a in enumerate(ordered)}
    langs = doc.get("languages") or {}
    con.print(Text("outlets: " + " · ".join(f"{letter[a]} {names[a]}" + (f" ({langs[a]})" if langs.get(a) else "")
                                            for a in shown), style="dim"))
    fams = [" ".join(letter[a] for a in members) for label, members in groups if len(members) > 1]
    if fams:
        con.print(Text("copy families: " + " · ".join(f"[{f}]" for f in fams), style="dim"))
    table = Table(title="claims × outlets (● carries, ✗ contradicts, · silent)", box=box.SIMPLE_HEAD,
                  pad_edge=False, padding=(0, 1), collapse_padding=True)
    table.add_column("id", no_wrap=True, width=4)
    text_width = max(MIN_TEXT_WIDTH, con.width - 3 * len(shown) - FIRST_WIDTH - 20)
    table.add_column("text", no_wrap=True, overflow="ellipsis", width=text_width)
    for aid in shown:
        table.add_column(letter[aid], justify="center", no_wrap=True, width=1)
    table.add_column("ind", justify="right", no_wrap=True, width=3)
    table.add_column("first", no_wrap=True, overflow="ellipsis", width=FIRST_WIDTH)
    for c in doc["claims"]:
        first = first_text(c, letter, more_after=3, unordered=" ?")
        table.add_row(
            c["id"], c["text"], *(CELL_MARK[c["cells"][a]] for a in shown), str(c["independent_sources"]), first
        )
    con.print(table)
    if len(ordered) > len(shown):
        con.print(Text(f"  {len(ordered) - len(shown)} more outlet column(s) in --json and --html; "
                       "\"?\" marks a first day with several carriers nothing orders", style="dim"))
    trails = [c for c in doc["claims"] if any(
        ch["type"] not in ("unchanged", "wording") for v in c["trail"] for ch in v["changes"])]
    if trails:
        con.print(Text("\nHow claims mutated", style="bold"))
    for c in trails:
        con.print(Text(f"{c['id']}: {c['text']}", style="bold"))
        for v in c["trail"]:
            steps = "; ".join(change_text(ch) for ch in v["changes"] if ch["type"] != "wording") or (
                "first version" if not v["changes"] else "reworded")
            con.print(Text(f"   {(v['published'] or 'undated')[:16]:<16} {v['outlet']:<24} {steps}"))
    if doc["copied_passages"]:
        con.print(Text("\nCopied passages", style="bold"))
    for p in doc["copied_passages"][:10]:
        who = (f"{names[p['copier']]} copied {names[p['b'] if p['copier'] == p['a'] else p['a']]}" if p["copier"]
               else f"{names[p['a']]} ↔ {names[p['b']]} (order unknown)")
        con.print(Text(f"   {p['words']:>3} words · {who}: “{p['text'][:90]}”", style="dim"))
    con.print(Text("\nArticles by share that no independent outlet carries", style="bold"))
    for r in doc["ranking"]:
        con.print(Text(f"   {r['unique_share']:>5.0%}  {r['outlet']}"))
        for d in r["drivers"][:2]:
            con.print(Text(f"          [{d['verdict']}] {d['text'][:100]}", style="dim"))
