"""Render verified articles: JSON (the public contract), terminal (rich) and a
self-contained HTML page. The terminal and HTML reports read the JSON document,
so a cached story renders without checking it again."""

from ._csv import matrix_csv
from ._html import article_html, render_html, story_html
from ._json import article_summary, sourcing_profile, to_json_dict
from ._story import story_dict
from ._terminal import render_story_terminal, render_terminal

__all__ = [
    "article_html", "article_summary", "matrix_csv", "render_html", "render_story_terminal", "render_terminal",
    "sourcing_profile", "story_dict", "story_html", "to_json_dict",
]
