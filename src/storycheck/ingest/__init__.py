"""Read articles from files: .txt, .html, .json, .jsonl, RSS/Atom feeds and folders.

``iter_paths`` streams every article (JSONL and feeds one at a time), ``read_paths``
collects them; ``ReadOptions`` says the encoding, the limits and whether a bad
article stops the run. Every failure is an InputError naming the file and the reason.
"""

from ._options import ReadOptions
from ._readers import article_id, iter_paths, parse_text_article, read_path, read_paths
from ._source import CheckedArticles

__all__ = ["CheckedArticles", "ReadOptions", "article_id", "iter_paths", "read_path", "read_paths",
           "parse_text_article"]
