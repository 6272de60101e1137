"""Read articles from files: .txt, .html, .json, .jsonl, RSS/Atom feeds and folders.

``read_paths`` is the one entry point; each format has a reader in ``_readers``.
Every failure is an InputError naming the file and the reason.
"""

from ._readers import article_id, parse_text_article, read_path, read_paths

__all__ = ["article_id", "read_path", "read_paths", "parse_text_article"]
