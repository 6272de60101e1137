"""Articles checked before any is used: a first pass reads and checks every file,
the second hands the articles out in order, from memory or by reading again."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import replace

from .._exceptions import EmptyInput
from .._types import Article
from ._options import ReadOptions
from ._readers import iter_paths

#: Characters of text kept from the checking pass: inputs up to this size are read
#: once; bigger ones (archives) are read a second time instead of held in memory. 4 M
#: characters (~2,000 news articles) keep `add`'s peak flat in the archive's size: reading
#: a 25 MB archive again costs ~2 s, where holding it whole cost ~50 MB for the whole run.
KEEP_CHARS = 4_000_000


class CheckedArticles:
    """Every distinct article (first of each id) of ``paths``, all checked on creation.

    Creating one raises the first bad file or article (or reports and skips it with
    ``options.skip_bad``), so a caller can refuse bad input before it writes anything;
    ``len`` is the number of articles; iterating gives them in file order.
    """

    def __init__(self, paths: Iterable[str | os.PathLike[str]], options: ReadOptions | None = None,
                 keep_chars: int = KEEP_CHARS) -> None:
        self.paths = list(paths)
        self.options = options or ReadOptions()
        kept: list[Article] | None = []
        size = count = 0
        for art in self._distinct(self.options):
            count += 1
            size += len(art.text)
            if kept is not None and size <= keep_chars:
                kept.append(art)
            else:
                kept = None  # over the budget: read again when iterated
        if count == 0 and self.options.skip_bad:
            raise EmptyInput("no article left after skipping the bad ones", source=", ".join(map(str, self.paths)))
        self._kept, self._count = kept, count

    def _distinct(self, options: ReadOptions) -> Iterator[Article]:
        seen: set[str] = set()
        for art in iter_paths(self.paths, options):
            if art.id not in seen:
                seen.add(art.id)
                yield art

    def __len__(self) -> int:
        return self._count

    @property
    def reread(self) -> bool:
        """True when iterating reads the files (over the memory budget, or already iterated once)."""
        return self._kept is None

    def __iter__(self) -> Iterator[Article]:
        if self._kept is not None:
            # handed out once and let go: what a consumer attaches (add's sentences) is freed with
            # its batch instead of piling up here; a second iteration reads the files again
            kept, self._kept = self._kept, None
            return _drain(kept)
        # the first pass already reported what is bad: skip it silently this time
        return self._distinct(replace(self.options, skip_bad=True, warn=None))


def _drain(items: list[Article]) -> Iterator[Article]:
    """The items in order, each dropped from the list as it is handed out."""
    items.reverse()
    while items:
        yield items.pop()
