"""The claim × outlet matrix as CSV: one row per claim, one column per outlet.

UTF-8 without a byte-order mark (what csv readers and scripts expect; spreadsheet users
import it as UTF-8), RFC 4180 line ends. Cells that a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return) get a leading single quote.
"""

from __future__ import annotations

import csv
import io
from typing import Any

#: First characters that make a spreadsheet treat a cell as a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

FIXED_COLUMNS = ["claim", "text", "independent_sources", "first_reporter", "first_day"]


def defuse(value: object) -> str:
    """A cell's text, quoted with a leading ' when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def outlet_headers(story: dict[str, Any]) -> list[str]:
    """One header per outlet column, in the story's outlet order; a name two articles share
    gets its article id in brackets so every column stays distinct."""
    names = story["outlets"]
    counts: dict[str, int] = {}
    for n in names.values():
        counts[n] = counts.get(n, 0) + 1
    return [n if counts[n] == 1 else f"{n} [{a}]" for a, n in names.items()]


def matrix_csv(story: dict[str, Any]) -> str:
    """The ``story`` section's matrix: claim, text, independent sources, first reporter
    (outlet, or 'unknown'), first day, then carries / contradicts / silent per outlet."""
    buf = io.StringIO()
    w = csv.writer(buf)
    ids = list(story["outlets"])
    w.writerow([defuse(h) for h in FIXED_COLUMNS + outlet_headers(story)])
    for c in story["claims"]:
        first = c["first_outlet"] or "unknown"
        w.writerow([defuse(x) for x in (c["id"], c["text"], c["independent_sources"], first, c["first_day"] or "")]
                   + [c["cells"].get(a, "silent") for a in ids])
    return buf.getvalue()
