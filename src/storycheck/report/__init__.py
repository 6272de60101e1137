"""Render verified articles: JSON (the public contract), terminal (rich) and a
self-contained HTML page. All three read the same ``summarize`` figures."""

from ._html import render_html
from ._json import article_summary, sourcing_profile, to_json_dict
from ._terminal import render_terminal

__all__ = ["article_summary", "render_html", "render_terminal", "sourcing_profile", "to_json_dict"]
