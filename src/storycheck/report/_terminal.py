from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from .._types import Article
from ._json import article_summary, sourcing_profile
from ._style import COLOURS, label, profile_line, sourcing_lines


def render_terminal(articles: Sequence[Article], console: Console | None = None, *, evidence: int = 1) -> None:
    """Sentences coloured by verdict, the best evidence beneath, a summary line per article."""
    con = console or Console()
    names = {a.id: label(a.id, a.outlet, a.title) for a in articles}
    for a in articles:
        head = Text(a.title or a.id, style="bold underline")
        meta = " · ".join(x for x in (a.outlet, a.published, a.path, f"id {a.id}") if x)
        con.print(head)
        con.print(Text(meta, style="dim"))
        for s in a.sentences:
            colour = COLOURS.get(s.verdict or "", ("white",))[0]
            line = Text(f"{s.index:>3} ", style="dim")
            line.append(f"[{s.verdict} {s.score:.2f}] ", style=colour)
            line.append(s.text)
            con.print(line)
            if s.contradiction is not None:
                c = s.contradiction
                con.print(Text(f"      ✗ {c.type}: “{c.claim_span}” here vs “{c.evidence_span}” in "
                               f"{names.get(c.article, c.article)} #{c.sentence}", style="red"))
            if s.verdict == "supported" and s.contradicted_by:
                con.print(Text("      ! disputed by " + ", ".join(names.get(x, x) for x in s.contradicted_by),
                               style="red"))
            for extra in sourcing_lines(s, names):
                con.print(Text("      · " + extra, style="cyan"))
            for e in s.evidence[:evidence]:
                con.print(Text(f"      ↳ {names.get(e.article, e.article)} #{e.sentence} ({e.score:.2f}): {e.text}",
                               style="dim"))
        sm = article_summary(a)
        summary = Text("  summary: ", style="bold")
        for v in ("supported", "contradicted", "unsupported", "opinion"):
            summary.append(f"{sm[v]} {v}  ", style=COLOURS[v][0])
        summary.append(f"· {sm['unique_share']:.0%} of the text carried by no other outlet")
        con.print(summary)
        con.print(Text("  " + profile_line(sourcing_profile(a)), style="cyan"))
        con.print()
