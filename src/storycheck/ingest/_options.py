"""How files are read: encoding, limits and what to do with a bad article."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .._exceptions import InputError

#: A single-article file (.txt, .html, .json) above 20 MB is not an article, and one
#: JSONL line above it is not one record: reading it whole would only waste memory.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: An article's text above two million characters (about 300,000 words, ten times the
#: longest long-read) is a dump, not an article; JSONL and feeds apply it per article.
MAX_ARTICLE_CHARS = 2_000_000
#: A title, outlet, URL, date or id longer than this is not one (a text pasted into
#: the wrong field).
MAX_FIELD_CHARS = 10_000


@dataclass(frozen=True)
class ReadOptions:
    #: Text encoding of every file read; None detects it per file (ingest._encoding).
    encoding: str | None = None
    #: A bad article or file stops the run (exit 2) unless the caller asked to skip it.
    skip_bad: bool = False
    #: Whole-file limit for single-article formats; for JSONL, the limit on a line's fields that are read
    #: (id, title, text, outlet, url, published) together, as written: other fields are passed over.
    max_file_bytes: int = MAX_FILE_BYTES
    #: Per-article text limit, in characters.
    max_article_chars: int = MAX_ARTICLE_CHARS
    #: Where warnings go (a weak encoding guess, a skipped article); None drops them.
    warn: Callable[[str], None] | None = None

    def note(self, message: str) -> None:
        if self.warn is not None:
            self.warn(message)

    def bad(self, problem: InputError) -> None:
        """A bad article: raise it, or report it and go on when skipping."""
        if not self.skip_bad:
            raise problem
        self.note(f"skipped {problem}")
