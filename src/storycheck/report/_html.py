from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._types import Article
from .._version import __version__
from ._json import to_json_dict
from ._style import COLOURS, clickbait, headline_line, label, profile_line, sourcing_lines, where
from ._style import escape as _e

_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem} h2{font-size:1.15rem;margin-top:2.5rem;border-bottom:1px solid #ccc}
.meta{color:#666;font-size:.85rem} .s{display:block;margin:.35rem 0;padding:.2rem .4rem;border-radius:4px}
.s summary{cursor:pointer;list-style:none} .s summary::-webkit-details-marker{display:none}
.v{font:600 .7rem monospace;text-transform:uppercase;margin-right:.4rem}
.ev{font-size:.85rem;color:#333;margin:.3rem 0 .3rem 1.5rem} .ev li{margin:.15rem 0}
.cx{color:#7f1d1d;font-size:.85rem;margin-left:1.5rem} .headline{font-size:.9rem;color:#555}
.clickbait{color:#7f1d1d;font-weight:600} .src{color:#0e5a6b;font-size:.85rem;margin:.1rem 0 .1rem 1.5rem}
.sum{font-size:.9rem;margin:.5rem 0}
.legend span{padding:.1rem .4rem;border-radius:3px;margin-right:.4rem;font-size:.8rem}
table.m{border-collapse:collapse;font-size:.8rem;margin:1rem 0}
table.m th,table.m td{border:1px solid #ddd;padding:.2rem .35rem}
table.m th.o{writing-mode:vertical-rl;transform:rotate(180deg);max-height:9rem;font-weight:500}
td.carries{background:#d8f3dc;text-align:center} td.contradicts{background:#ffd6d6;text-align:center}
td.silent{color:#bbb;text-align:center}
td.c a{color:inherit;text-decoration:none} .fam{font-size:.9rem;white-space:pre-wrap;font-family:ui-monospace,monospace}
.mx{overflow-x:auto;max-width:100%} td.t{min-width:14rem;max-width:30rem} td.f{min-width:8rem;max-width:16rem}
th.fg{font-weight:500;font-size:.75rem;background:#f3f3f3} .fold summary{cursor:pointer}
.trail{font-size:.85rem;margin:.2rem 0 .8rem 1rem} .trail li{margin:.1rem 0}
""" + "".join(f".{v}{{background:{bg};color:{fg}}}" for v, (_, bg, fg) in COLOURS.items())


def render_html(articles: Sequence[Article] | dict[str, Any], *, title: str = "storycheck report",
                story: dict[str, Any] | None = None) -> str:
    """One self-contained page (inline CSS, no script, no external asset); all text escaped.

    ``articles`` are verified articles or the JSON document made from them (what
    the store caches); a document's ``story`` section is shown when present.
    """
    doc = articles if isinstance(articles, dict) else to_json_dict(articles, story)
    arts = doc["articles"]
    names = {a["id"]: label(a["id"], a["outlet"], a["title"]) for a in arts}
    out = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1><p class='meta'>storycheck {_e(__version__)} · {len(arts)} articles · "
        "click a sentence for its evidence</p><p class='legend'>",
        "".join(f"<span class='{v}'>{v}</span>" for v in COLOURS),
        "</p>",
    ]
    if doc.get("story") is not None:
        out.extend(story_html(doc["story"], published={a["id"]: a["published"] for a in arts}))
    for a in arts:
        out.extend(article_html(a, names))
    out.append("</body></html>")
    return "\n".join(out)


def article_html(a: dict[str, Any], names: dict[str, str], link: str = "#s-{article}-{sentence}") -> list[str]:
    """One article of the JSON document: sentences coloured by verdict, evidence on click."""
    sm = a["summary"]
    out = [f"<h2 id='a-{_e(a['id'])}'>{_e(a['title'] or a['id'])}</h2>"]
    meta = " · ".join(_e(x) for x in (a["outlet"], a["published"], a.get("url"), f"id {a['id']}") if x)
    out.append(f"<p class='meta'>{meta}</p>")
    head = headline_line(a)
    if head:
        out.append(f"<p class='headline {'clickbait' if clickbait(a) else ''}'>{_e(head)}</p>")
    counts = ", ".join(f"{sm[v]} {v}" for v in COLOURS)
    out.append(f"<p class='sum'>{counts} · {sm['unique_share']:.0%} carried by no other outlet</p>")
    out.append(f"<p class='sum'>{_e(profile_line(a['sourcing']))}</p>")
    for s in a["sentences"]:
        v = _e(s["verdict"])
        out.append(f"<details class='s {v}' id='s-{_e(a['id'])}-{s['index']}'><summary>"
                   f"<span class='v'>{v} {s['score'] or 0:.2f}</span>{_e(s['text'])}</summary>")
        c = s.get("contradiction")
        if c is not None:
            out.append(
                f"<p class='cx'>✗ {_e(c['type'])}: “{_e(c['claim_span'])}” here vs “{_e(c['evidence_span'])}” in "
                f"{_e(names.get(c['article'], c['article']))} {where(c['sentence'])}</p>"
            )
        for extra in sourcing_lines(s, names):
            out.append(f"<p class='src'>{_e(extra)}</p>")
        if s["evidence"]:
            out.append("<ol class='ev'>")
            for e in s["evidence"]:
                href = _e(link.format(article=e["article"], sentence=e["sentence"]))
                out.append(f"<li><a href='{href}'>{_e(names.get(e['article'], e['article']))} "
                           f"{where(e['sentence'], e.get('sentences'))}</a> ({e['score']:.2f}) {_e(e['text'])}</li>")
            out.append("</ol>")
        out.append("</details>")
    return out


#: Claim text longer than this is folded in the matrix (the rest one click away).
FOLD_CHARS = 140


def folded(text: str, limit: int = FOLD_CHARS) -> str:
    """Escaped text, long text folded into a <details> whose summary is its start."""
    if len(text) <= limit:
        return _e(text)
    cut = text.rfind(" ", 0, limit - 20)
    head = text[: cut if cut > 0 else limit - 20]
    return f"<details class='fold'><summary>{_e(head)} …</summary>{_e(text[len(head):])}</details>"


def story_html(doc: dict[str, Any], link: str = "#s-{article}-{sentence}",
               published: dict[str, str | None] | None = None) -> list[str]:
    """The story section as HTML fragments; ``link`` says where a sentence lives
    (an anchor in the report, a page in the web UI); ``published`` (article id → time)
    places articles on the timeline that carry no claim."""
    from ._story import CELL_MARK, change_text, column_groups, family_lines, first_text
    from ._svg import pictures_html

    names = doc["outlets"]
    ids = list(names)

    def href(article: str, sentence: int) -> str:
        return _e(link.format(article=article, sentence=sentence))

    out = ["<h2>Story</h2>", f"<p class='meta'>{len(ids)} articles · {len(doc['families'])} independent source(s)"
           + (f" · id {_e(doc['id'])}" if doc.get("id") else "") + "</p>"]
    groups = column_groups(doc)
    ids = [a for _, members in groups for a in members]
    out.append("<h3>Claims × outlets</h3><p class='meta'>columns grouped by copy family; the table scrolls on its own"
               "</p><div class='mx'><table class='m'><tr><th rowspan='2'>claim</th><th rowspan='2'>text</th>")
    out.extend(f"<th class='fg' colspan='{len(members)}'>{_e(label)}</th>" for label, members in groups)
    out.append("<th rowspan='2'>independent sources</th><th rowspan='2'>first reported by</th></tr><tr>")
    langs = doc.get("languages") or {}
    out.extend(f"<th class='o'>{_e(names[a])}" + (f" <span class='lang'>{_e(langs[a])}</span>" if langs.get(a) else "")
               + "</th>" for a in ids)
    out.append("</tr>")
    for c in doc["claims"]:
        at = {v["article"]: v["sentence"] for v in c["trail"]}
        first = _e(first_text(c, names))
        out.append(f"<tr><td>{_e(c['id'])}</td><td class='t'>{folded(c['text'])}</td>")
        for a in ids:
            cell = c["cells"][a]
            mark = CELL_MARK[cell]
            inner = f"<a href='{href(a, at[a])}'>{mark}</a>" if a in at else mark
            out.append(f"<td class='c {_e(cell)}' title='{_e(names[a])}: {_e(cell)}'>{inner}</td>")
        out.append(f"<td>{c['independent_sources']}</td><td class='f'>{first}</td></tr>")
    out.append("</table></div>")
    out.extend(pictures_html(doc, published))
    fam = family_lines(doc)
    if fam:
        out.append("<h3>Copy families</h3><div class='fam'>" + "\n".join(_e(x) for x in fam) + "</div>")
    trails = [c for c in doc["claims"] if any(
        ch["type"] not in ("unchanged", "wording") for v in c["trail"] for ch in v["changes"])]
    if trails:
        out.append("<h3>How claims mutated</h3>")
    for c in trails:
        out.append(f"<p><b>{_e(c['id'])}</b> {_e(c['text'])}</p><ol class='trail'>")
        for v in c["trail"]:
            steps = "; ".join(change_text(ch) for ch in v["changes"] if ch["type"] != "wording") or (
                "first version" if not v["changes"] else "reworded")
            out.append(f"<li>{_e((v['published'] or 'undated')[:16])} · <a href='{href(v['article'], v['sentence'])}'>"
                       f"{_e(v['outlet'])}</a>: {_e(steps)} — “{_e(v['text'])}”</li>")
        out.append("</ol>")
    if doc["copied_passages"]:
        out.append("<h3>Copied passages</h3><ul class='trail'>")
        for p in doc["copied_passages"][:30]:
            who = (f"{names[p['copier']]} copied {names[p['b'] if p['copier'] == p['a'] else p['a']]}" if p["copier"]
                   else f"{names[p['a']]} and {names[p['b']]} (order unknown)")
            out.append(f"<li>{p['words']} words · {_e(who)}: “{_e(p['text'])}”</li>")
        out.append("</ul>")
    out.append("<h3>Articles by share no independent outlet carries</h3><ol class='trail'>")
    for r in doc["ranking"]:
        drivers = "".join(
            f"<li><a href='{href(r['article'], d['index'])}'>[{_e(d['verdict'])}]</a> {_e(d['text'])}</li>"
            for d in r["drivers"][:3]
        )
        out.append(f"<li>{r['unique_share']:.0%} · {_e(r['outlet'])}<ul>{drivers}</ul></li>")
    out.append("</ol>")
    return out
