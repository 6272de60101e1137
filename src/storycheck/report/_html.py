from __future__ import annotations

import html
from collections.abc import Sequence

from .._types import Article
from .._version import __version__
from ._json import article_summary, sourcing_profile
from ._style import COLOURS, label, profile_line, sourcing_lines

_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem} h2{font-size:1.15rem;margin-top:2.5rem;border-bottom:1px solid #ccc}
.meta{color:#666;font-size:.85rem} .s{display:block;margin:.35rem 0;padding:.2rem .4rem;border-radius:4px}
.s summary{cursor:pointer;list-style:none} .s summary::-webkit-details-marker{display:none}
.v{font:600 .7rem monospace;text-transform:uppercase;margin-right:.4rem}
.ev{font-size:.85rem;color:#333;margin:.3rem 0 .3rem 1.5rem} .ev li{margin:.15rem 0}
.cx{color:#7f1d1d;font-size:.85rem;margin-left:1.5rem} .src{color:#0e5a6b;font-size:.85rem;margin:.1rem 0 .1rem 1.5rem} .sum{font-size:.9rem;margin:.5rem 0}
.legend span{padding:.1rem .4rem;border-radius:3px;margin-right:.4rem;font-size:.8rem}
""" + "".join(
    f".{v}{{background:{bg};color:{fg}}}" for v, (_, bg, fg) in COLOURS.items()
)


def _e(x: object) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def render_html(articles: Sequence[Article], *, title: str = "storycheck report") -> str:
    """One self-contained page (inline CSS, no script, no external asset); all text escaped."""
    names = {a.id: label(a.id, a.outlet, a.title) for a in articles}
    out = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1><p class='meta'>storycheck {_e(__version__)} · {len(articles)} articles · "
        "click a sentence for its evidence</p><p class='legend'>",
        "".join(f"<span class='{v}'>{v}</span>" for v in COLOURS),
        "</p>",
    ]
    for a in articles:
        sm = article_summary(a)
        out.append(f"<h2 id='a-{_e(a.id)}'>{_e(a.title or a.id)}</h2>")
        meta = " · ".join(_e(x) for x in (a.outlet, a.published, a.url, f"id {a.id}") if x)
        out.append(f"<p class='meta'>{meta}</p>")
        counts = ", ".join(f"{sm[v]} {v}" for v in COLOURS)
        out.append(f"<p class='sum'>{counts} · {sm['unique_share']:.0%} carried by no other outlet</p>")
        out.append(f"<p class='sum'>{_e(profile_line(sourcing_profile(a)))}</p>")
        for s in a.sentences:
            v = _e(s.verdict)
            out.append(f"<details class='s {v}' id='s-{_e(a.id)}-{s.index}'><summary>"
                       f"<span class='v'>{v} {s.score or 0:.2f}</span>{_e(s.text)}</summary>")
            if s.contradiction is not None:
                c = s.contradiction
                out.append(f"<p class='cx'>✗ {_e(c.type)}: “{_e(c.claim_span)}” here vs “{_e(c.evidence_span)}” in "
                           f"{_e(names.get(c.article, c.article))} #{c.sentence}</p>")
            for extra in sourcing_lines(s, names):
                out.append(f"<p class='src'>{_e(extra)}</p>")
            if s.evidence:
                out.append("<ol class='ev'>")
                for e in s.evidence:
                    out.append(f"<li><a href='#s-{_e(e.article)}-{e.sentence}'>{_e(names.get(e.article, e.article))} "
                               f"#{e.sentence}</a> ({e.score:.2f}) {_e(e.text)}</li>")
                out.append("</ol>")
            out.append("</details>")
    out.append("</body></html>")
    return "\n".join(out)
