"""Pictures of a story as inline SVG: a claim timeline and the copy-family trees.

Pure functions from the ``story`` dict of the JSON document to markup. No script, no
external asset, no data: URL, so both the web UI's CSP and the report's
``default-src 'none'`` allow them. Every article-derived string goes through ``escape``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ._style import escape as _e

#: Claim rows drawn on the timeline; the rest are counted ("+N more") and listed in the table.
MAX_TIMELINE_ROWS = 30
#: Nodes drawn per family tree; a family of 50 stays one readable column of rows.
MAX_TREE_NODES = 40
#: Drawing width in SVG units; the SVG scales to its container (width 100%), so it never overflows.
WIDTH = 960
#: Room for the claim labels at the left of the timeline.
LABEL_W = 300
#: The column at the right where undated carriers sit (narrowest; it widens to hold a row's undated marks).
UNDATED_W = 80
#: The undated column never takes more than this, so the time axis keeps most of the width.
UNDATED_MAX_W = 240
#: Centre distance between two marks of one row: a mark is 10 units wide plus a 1-unit white rim,
#: so 12 leaves a visible gap and every carrier can be counted.
MARK_W = 12
#: A cluster of this many marks or more (published at about one time) gets its count written beside it.
COUNT_AT = 4
#: Height of one timeline row / one tree row.
ROW_H = 20
TREE_ROW_H = 26
#: Horizontal step per tree level: long enough to write the change label on the edge.
INDENT = 190
#: Width of one node box of the tree.
BOX_W = 230
#: Narrowest level step, for deep copy chains (then the change label follows the box, in LABEL_ROOM).
MIN_STEP = 24
LABEL_ROOM = 190
#: Family colours (Okabe–Ito, colour-blind safe, then two darker extras); independents are grey.
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#7f6d00", "#6a3d9a"]
ALONE = "#8a8a8a"
#: Contradicting cells: a red cross, so they read apart from any family colour.
CONTRA = "#c00000"
FONT = "font-family='system-ui,sans-serif'"


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, an ellipsis when cut (the full text goes in a <title>)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parse_time(value: str | None) -> datetime | None:
    """An ISO date or date-time as aware UTC; None when missing or unreadable (then 'undated')."""
    if not value:
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def published_of(story: dict[str, Any], published: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """Each article's publication time: the given map, else what the claim trails say."""
    out: dict[str, str | None] = dict.fromkeys(story["outlets"])
    for c in story["claims"]:
        for v in c["trail"]:
            out[v["article"]] = v["published"]
    out.update({a: p for a, p in (published or {}).items() if a in out})
    return out


def family_colours(story: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Article id → (colour, family label); families of two or more get a palette colour."""
    out: dict[str, tuple[str, str]] = {}
    names = story["outlets"]
    big = [f for f in story["families"] if len(f["members"]) > 1]
    for i, f in enumerate(big):
        text = f"family of {len(f['members'])} (original {names.get(f['original'], f['original'])})"
        out.update((m, (PALETTE[i % len(PALETTE)], text)) for m in f["members"])
    return {a: out.get(a, (ALONE, "independent")) for a in names}


def _svg_open(width: int, height: int, label: str) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' width='100%' role='img' "
            f"aria-label='{_e(label)}' {FONT} font-size='12'><title>{_e(label)}</title>")


def _ticks(lo: datetime, hi: datetime, n: int = 5) -> list[tuple[float, str]]:
    """``n`` evenly spaced (fraction, label) ticks; dates alone when the span is a week or more
    (shorter spans put two ticks on one day, so they need the hour)."""
    span = (hi - lo).total_seconds()
    fmt = "%Y-%m-%d" if span >= 7 * 86400 else "%m-%d %H:%M"
    return [(i / (n - 1), (lo + (hi - lo) * (i / (n - 1))).strftime(fmt)) for i in range(n)]


def _mark(x: float, y: float, cell: str, colour: str, tip: str) -> str:
    if cell == "contradicts":
        d = 5
        return (f"<g stroke='{CONTRA}' stroke-width='2.5'><title>{_e(tip)}</title>"
                f"<line x1='{x - d:.1f}' y1='{y - d:.1f}' x2='{x + d:.1f}' y2='{y + d:.1f}'/>"
                f"<line x1='{x - d:.1f}' y1='{y + d:.1f}' x2='{x + d:.1f}' y2='{y - d:.1f}'/></g>")
    return (f"<circle cx='{x:.1f}' cy='{y:.1f}' r='5' fill='{colour}' stroke='#fff' stroke-width='1'>"
            f"<title>{_e(tip)}</title></circle>")


def spread(ideal: list[float], lo: float, hi: float, gap: float = MARK_W) -> list[list[tuple[int, float]]]:
    """Marks wanted at ``ideal`` x positions, moved apart so no two centres are closer than ``gap``
    and all stay within [lo, hi]: marks that would touch form a cluster, laid out ``gap`` apart and
    centred on the mean of what they want (pushed inside at the edges). Returns the clusters left to
    right, each a list of (index into ``ideal``, x). Ties keep input order, so it is deterministic.
    When even that does not fit, the marks share [lo, hi] evenly (the count label then tells)."""
    order = sorted(range(len(ideal)), key=lambda i: (ideal[i], i))
    if len(order) > 1 and (len(order) - 1) * gap > hi - lo:
        step = (hi - lo) / (len(order) - 1)
        return [[(i, lo + k * step) for k, i in enumerate(order)]]
    clusters: list[tuple[float, list[int]]] = []  # (x of the first mark, members left to right)
    for i in order:
        members = [i]
        while True:
            k = len(members)
            want = sum(ideal[m] for m in members) / k - (k - 1) * gap / 2
            start = min(max(want, lo), hi - (k - 1) * gap)
            if not clusters or clusters[-1][0] + len(clusters[-1][1]) * gap <= start:
                break
            members = clusters.pop()[1] + members
        clusters.append((start, members))
    return [[(m, start + k * gap) for k, m in enumerate(members)] for start, members in clusters]


def _cluster_marks(cluster: list[tuple[int, float]], y: float, room: tuple[float, float], tip: str) -> list[str]:
    """The pill behind a cluster of two or more marks (its <title> says how many and when), and the
    count beside it from COUNT_AT marks, on whichever side ``room`` (free x to the left, right) allows."""
    if len(cluster) < 2:
        return []
    left, right = cluster[0][1] - 7, cluster[-1][1] + 7
    out = [f"<rect x='{left:.1f}' y='{y - 8:.1f}' width='{right - left:.1f}' height='16' rx='8' fill='#e8e8e8'>"
           f"<title>{_e(tip)}</title></rect>"]
    if len(cluster) >= COUNT_AT:
        label = str(len(cluster))
        need = 4 + 7 * len(label)
        if room[1] - right >= need:
            out.append(f"<text x='{right + 2:.1f}' y='{y + 4:.1f}' font-size='10' fill='#555'>{label}</text>")
        elif left - room[0] >= need:
            out.append(f"<text x='{left - 2:.1f}' y='{y + 4:.1f}' font-size='10' fill='#555' "
                       f"text-anchor='end'>{label}</text>")
    return out


def _row_marks(placed: list[list[tuple[int, float]]], y: float, bounds: tuple[float, float],
               marks: list[tuple[str, str, str]], times: list[datetime | None]) -> list[str]:
    """One row's marks as laid out by ``spread``: cluster pills and counts first (so they sit
    behind), then each mark with its own tooltip. ``marks`` holds (cell, colour, tip) and ``times``
    the publication time per mark index."""
    back: list[str] = []
    front: list[str] = []
    for n, cluster in enumerate(placed):
        room = (placed[n - 1][-1][1] + 7 if n else bounds[0],
                placed[n + 1][0][1] - 7 if n + 1 < len(placed) else bounds[1])
        stamps = [t for i, _ in cluster if (t := times[i]) is not None]
        first, last = (f"{t:%Y-%m-%d %H:%M}" for t in (min(stamps), max(stamps))) if stamps else ("", "")
        about = "undated" if not stamps else f"published {first}" if first == last else f"published {first} to {last}"
        back.extend(_cluster_marks(cluster, y, room, f"{len(cluster)} articles {about}"))
        front.extend(_mark(x, y, *marks[i]) for i, x in cluster)
    return back + front


def timeline_svg(story: dict[str, Any], published: dict[str, str | None] | None = None) -> str:
    """Each claim a row, each carrying (or contradicting) article a mark at its publication
    time; colour = copy family, red cross = contradicts; undated articles in a column at the right.
    Marks of one row that would touch are spread apart (``spread``), so every carrier shows."""
    names = story["outlets"]
    when = {a: parse_time(p) for a, p in published_of(story, published).items()}
    colours = family_colours(story)
    claims = story["claims"][:MAX_TIMELINE_ROWS]
    more = len(story["claims"]) - len(claims)
    used = [a for c in claims for a, cell in c["cells"].items() if cell != "silent"]
    dated = sorted(t for a in used if (t := when.get(a)) is not None)
    most_undated = max((sum(1 for a, cell in c["cells"].items() if cell != "silent" and when.get(a) is None)
                        for c in claims), default=0)
    undated_w = min(UNDATED_MAX_W, max(UNDATED_W, 24 + (most_undated - 1) * MARK_W)) if most_undated else 0
    x0, x1 = LABEL_W + 10, WIDTH - undated_w - 20
    lo, hi = (dated[0], dated[-1]) if dated else (None, None)
    top = 34
    legend = _legend_items(story, colours)
    per_line = 3
    height = top + len(claims) * ROW_H + (ROW_H if more else 0) + 12 + ((len(legend) + per_line - 1) // per_line) * 18
    out = [_svg_open(WIDTH, height, f"Claim timeline: {len(claims)} of {len(story['claims'])} claims, "
                                    f"each article carrying a claim marked at its publication time")]

    def xpos(t: datetime) -> float:
        if lo is None or hi is None or hi == lo:
            return (x0 + x1) / 2
        return x0 + (x1 - x0) * (t - lo).total_seconds() / (hi - lo).total_seconds()

    if lo is not None and hi is not None:
        for frac, text in (_ticks(lo, hi) if hi != lo else [(0.5, lo.strftime("%Y-%m-%d %H:%M"))]):
            x = x0 + (x1 - x0) * frac
            anchor = "start" if frac == 0 else "end" if frac == 1 else "middle"
            out.append(f"<line x1='{x:.1f}' y1='{top - 6}' x2='{x:.1f}' y2='{top + len(claims) * ROW_H}' "
                       f"stroke='#e4e4e4'/><text x='{x:.1f}' y='{top - 12}' text-anchor='{anchor}' "
                       f"fill='#555'>{_e(text)}</text>")
    ux = x1 + 20
    if undated_w:
        out.append(f"<rect x='{ux}' y='{top - 6}' width='{undated_w - 4}' height='{len(claims) * ROW_H + 6}' "
                   f"fill='#f4f4f4'/><text x='{ux + (undated_w - 4) / 2:.1f}' y='{top - 12}' text-anchor='middle' "
                   "fill='#555'>undated</text>")
    for i, c in enumerate(claims):
        y = top + i * ROW_H + ROW_H / 2
        if i % 2 == 0:
            out.append(f"<rect x='0' y='{y - ROW_H / 2:.1f}' width='{x1}' height='{ROW_H}' fill='#fafafa'/>")
        out.append(f"<text x='4' y='{y + 4:.1f}'><title>{_e(c['id'])}: {_e(c['text'])}</title>"
                   f"<tspan font-weight='600'>{_e(c['id'])}</tspan> {_e(clip(c['text'], 38))}</text>")
        shown = [(a, cell, when.get(a)) for a, cell in c["cells"].items() if cell != "silent"]
        marks = [(cell, colours[a][0], f"{names.get(a, a)} · {t.strftime('%Y-%m-%d %H:%M') if t else 'undated'}"
                  f" · {cell}") for a, cell, t in shown]
        times = [t for _, _, t in shown]
        on_axis = [k for k, t in enumerate(times) if t is not None]
        off_axis = [k for k, t in enumerate(times) if t is None]
        for keep, bounds, ideal in (
            (on_axis, (float(x0), float(x1)), [xpos(t) for t in times if t is not None]),
            (off_axis, (ux + 10.0, ux + undated_w - 14.0), [ux + (undated_w - 4) / 2] * len(off_axis)),
        ):
            placed = [[(keep[j], x) for j, x in cl] for cl in spread(ideal, *bounds)]
            out.extend(_row_marks(placed, y, bounds, marks, times))
    y = top + len(claims) * ROW_H
    if more:
        y += ROW_H
        out.append(f"<text x='4' y='{y - 5}' fill='#555'>+{more} more claim(s): see the table below</text>")
    out.extend(_legend(legend, y + 16, per_line))
    out.append("</svg>")
    return "".join(out)


def _legend_items(story: dict[str, Any], colours: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """(colour, label) per family shown, then independents and the contradiction cross."""
    seen = dict((label, colour) for colour, label in colours.values())
    items = [(colour, label) for label, colour in seen.items() if label != "independent"]
    if "independent" in seen:
        items.append((ALONE, "independent source"))
    return [*items, ("cross", "contradicts the claim")]


def _legend(items: list[tuple[str, str]], y0: float, per_line: int) -> list[str]:
    out = []
    step = WIDTH / per_line
    for i, (colour, text) in enumerate(items):
        x, y = 10 + (i % per_line) * step, y0 + (i // per_line) * 18
        cell = "contradicts" if colour == "cross" else "carries"
        out.append(_mark(x, y - 4, cell, colour, text))
        out.append(f"<text x='{x + 10:.1f}' y='{y:.1f}' fill='#333'>{_e(clip(text, 44))}</text>")
    return out


def tree_rows(family: dict[str, Any]) -> list[tuple[str, int, str | None, str]]:
    """The family in drawing order (depth first from the original): (article, depth, parent, how it changed)."""
    parent = {c["copy"]: c["parent"] for c in family["copies"]}
    changes = {c["copy"]: ", ".join(c["changes"]) or ("same dateline" if c.get("credited") else
                                                      "shared passages" if c.get("passages") else "copy")
               for c in family["copies"]}
    kids: dict[str, list[str]] = {}
    for m in family["members"]:
        if m != family["original"]:
            p = parent.get(m, family["original"])
            kids.setdefault(p if p in family["members"] else family["original"], []).append(m)
    out: list[tuple[str, int, str | None, str]] = []
    seen: set[str] = set()
    stack: list[tuple[str, int, str | None]] = [(family["original"], 0, None)]
    while stack:
        a, depth, p = stack.pop()
        if a in seen:
            continue
        seen.add(a)
        out.append((a, depth, p, "original" if p is None else changes.get(a, "member")))
        stack.extend((k, depth + 1, a) for k in reversed(kids.get(a, [])))
    # members a cycle or a missing link left out: under the original, said as such
    out.extend((m, 1, family["original"], "member") for m in family["members"] if m not in seen)
    return out


def family_tree_svg(story: dict[str, Any], published: dict[str, str | None] | None = None) -> str:
    """Each family of two or more as a layered tree: the original at the top left, each copy one
    level right of what it copied, the edge labelled with how it changed. '' when no family."""
    names = story["outlets"]
    when = published_of(story, published)
    colours = family_colours(story)
    fams = [f for f in story["families"] if len(f["members"]) > 1]
    if not fams:
        return ""
    blocks = []
    y = 0.0
    width = WIDTH
    for f in fams:
        rows = tree_rows(f)
        shown, more = rows[:MAX_TREE_NODES], len(rows) - MAX_TREE_NODES
        step = _level_step(max(d for _, d, _, _ in shown))
        colour = colours[f["original"]][0]
        blocks.append(f"<text x='4' y='{y + 16:.1f}' font-weight='600'>family of {len(f['members'])}: original "
                      f"{_e(names.get(f['original'], f['original']))} ({_e(f['basis'])})</text>")
        y += 24
        ys: dict[str, float] = {}
        xs: dict[str, float] = {}
        for a, depth, p, how in shown:
            x = 10 + depth * step
            # a deep chain has no room on its edges: the label then follows the box
            lx, ly = (x + BOX_W + 6, y + 14) if step < INDENT else (x - step + 16, y + 6)
            width = max(width, int(x + BOX_W + (10 if step == INDENT else LABEL_ROOM)))
            xs[a], ys[a] = x, y
            if p is not None and p in xs:
                px, py = xs[p] + 10, ys[p] + 20
                blocks.append(f"<path d='M{px:.1f} {py:.1f} V{y + 10:.1f} H{x:.1f}' fill='none' stroke='#888'/>"
                              f"<text x='{lx:.1f}' y='{ly:.1f}' font-size='11' fill='#444' font-style='italic'>"
                              f"<title>{_e(names.get(a, a))} from {_e(names.get(p, p))}: {_e(how)}</title>"
                              f"{_e(clip(how, 28))}</text>")
            stamp = (when.get(a) or "undated")[:16]
            blocks.append(f"<g><title>{_e(names.get(a, a))} · {_e(stamp)} · {_e(how)}</title>"
                          f"<rect x='{x:.1f}' y='{y:.1f}' width='{BOX_W}' height='20' rx='4' fill='#fff' "
                          f"stroke='{colour}' stroke-width='{2 if p is None else 1.2}'/>"
                          f"<text x='{x + 6:.1f}' y='{y + 14:.1f}'>{_e(clip(names.get(a, a), 32))}</text></g>")
            y += TREE_ROW_H
        if more > 0:
            blocks.append(f"<text x='10' y='{y + 12:.1f}' fill='#555'>+{more} more: see the table below</text>")
            y += TREE_ROW_H
        y += 10
    total = sum(len(f["members"]) for f in fams)
    head = _svg_open(width, int(y), f"Copy family trees: {len(fams)} family(ies), {total} articles; "
                                    "each copy drawn under what it copied, the edge saying how it changed")
    return head + "".join(blocks) + "</svg>"


def _level_step(depth: int) -> float:
    """Horizontal step per tree level: INDENT while the deepest level fits the drawing width,
    else narrower (never under MIN_STEP) so a long copy chain stays legible."""
    if depth == 0 or 10 + depth * INDENT + BOX_W <= WIDTH:
        return INDENT
    return max(MIN_STEP, (WIDTH - BOX_W - LABEL_ROOM - 20) / depth)


def _table(head: list[str], rows: list[list[object]]) -> str:
    cells = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{_e(x)}</td>" for x in r) + "</tr>" for r in rows)
    return f"<div class='mx'><table class='m'><tr>{cells}</tr>{body}</table></div>"


def pictures_html(story: dict[str, Any], published: dict[str, str | None] | None = None) -> list[str]:
    """Both pictures with headings and, under each, the same data as a table in a <details>."""
    names = story["outlets"]
    when = published_of(story, published)
    colours = family_colours(story)
    out = ["<h3>Claim timeline</h3><p class='meta'>one row per claim; a dot per article carrying it at its "
           "publication time, coloured by copy family; a red cross where an article contradicts it</p>",
           f"<figure class='pic' style='margin:1rem 0'>{timeline_svg(story, published)}</figure>"]
    rows: list[list[object]] = [
        [c["id"], names.get(a, a), (when.get(a) or "undated")[:16], cell, colours[a][1]]
        for c in story["claims"] for a, cell in c["cells"].items() if cell != "silent"
    ]
    out.append("<details class='fold'><summary>timeline as a table</summary>"
               + _table(["claim", "outlet", "published", "cell", "family"], rows) + "</details>")
    tree = family_tree_svg(story, published)
    if tree:
        out.append("<h3>Family trees</h3><p class='meta'>each copy under what it copied; the edge says how "
                   f"it changed</p><figure class='pic' style='margin:1rem 0'>{tree}</figure>")
        trows: list[list[object]] = [
            [colours[a][1], names.get(a, a), names.get(p, p) if p else "—", depth, how]
            for f in story["families"] if len(f["members"]) > 1 for a, depth, p, how in tree_rows(f)
        ]
        out.append("<details class='fold'><summary>family trees as a table</summary>"
                   + _table(["family", "article", "copied from", "depth", "how it changed"], trows) + "</details>")
    return out
