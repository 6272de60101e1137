"""Read articles from files: .txt, .html, .json, .jsonl, RSS/Atom feeds and folders, and from URLs.

``iter_paths`` streams every article (JSONL and feeds one at a time), ``read_paths``
collects them; ``ReadOptions`` says the encoding, the limits and whether a bad
article stops the run. Every failure is an InputError naming the file and the reason.
``Fetcher`` GETs pages and feeds politely (robots.txt, a gap per host, retries);
``fetch_articles`` turns a URL into articles (a feed's entries read from their pages).
"""

from ._fetch import Fetched, Fetcher, FetchError, FetchOptions
from ._options import ReadOptions
from ._readers import article_id, iter_paths, parse_text_article, read_path, read_paths
from ._source import CheckedArticles
from ._web import feed_entries, fetch_articles, is_feed, linked_article, page_article

__all__ = ["CheckedArticles", "FetchError", "FetchOptions", "Fetched", "Fetcher", "ReadOptions", "article_id",
           "feed_entries", "fetch_articles", "is_feed", "iter_paths", "linked_article", "page_article",
           "parse_text_article", "read_path", "read_paths"]
