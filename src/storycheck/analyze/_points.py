"""Percentage points and basis points: how far a rate moved, a quantity of its own.

"cut by 0.5 percentage points" and "to 5%" are two slots; "50 basis points" is the same move as
"half a percentage point". Every language we read writes them with words after the figure, which the
unit readers would take for a percent ("0,50 Prozentpunkte") or a plain "point" ("0,50 ponto
percentual"); this module reads the words and gives such a figure the unit ``pp``, in percentage
points (basis points divided by 100)."""

from __future__ import annotations

import re
from dataclasses import replace

from .._types import Quantity

#: The unit of a figure that is a distance between two rates.
POINTS = "pp"

_PERCENTAGE_POINTS = re.compile(
    r"\s*-?\s*(?:percentage[\s-]points?|percent(?:age)?\s+points?|pct\.?\s+points?|pp\b|p\.p\.|"
    r"Prozentpunkte?n?|points?\s+de\s+pourcentage|puntos?\s+porcentual(?:es)?|punt[oi]\s+percentual[ei]|"
    r"pontos?\s+percentua(?:l|is)|процентн\w*\s+пункт\w*|п\.\s?п\.|відсотков\w*\s+пункт\w*|százalékpont\w*)",
    re.IGNORECASE)
_BASIS_POINTS = re.compile(
    r"\s*-?\s*(?:basis[\s-]points?|bps?\b|Basispunkte?n?|points?\s+de\s+base|pdb\b|pb\b|puntos?\s+básicos|"
    r"punti\s+base|pontos?[\s-]base|базисн\w*\s+пункт\w*|б\.\s?п\.|bázispont\w*)",
    re.IGNORECASE)
_NUMERAL = re.compile(r"[$€£¥₽₴]?\s?\d+(?:[.,\u00a0\u202f]\d+)*")


def as_points(text: str, q: Quantity) -> Quantity:
    """``q`` in percentage points when the words after its numeral say so, else ``q`` as it is."""
    m = _NUMERAL.match(text, q.start)
    if m is None:
        return q
    for rx, factor in ((_PERCENTAGE_POINTS, 1.0), (_BASIS_POINTS, 0.01)):
        p = rx.match(text, m.end())
        if p is not None:
            return replace(q, text=text[q.start : p.end()], value=q.value * factor, unit=POINTS, end=p.end())
    return q
