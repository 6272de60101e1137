"""Verdict colours shared by the terminal and HTML reports."""

COLOURS = {
    "supported": ("green", "#d8f3dc", "#1b4332"),
    "contradicted": ("bold red", "#ffd6d6", "#7f1d1d"),
    "unsupported": ("yellow", "#fff3bf", "#5c4400"),
    "opinion": ("magenta", "#ece4f7", "#4a2a6b"),
}


def label(article_id: str, outlet: str | None, title: str | None) -> str:
    return outlet or (title[:40] + "…" if title and len(title) > 40 else title) or article_id
