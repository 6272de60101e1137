"""Connected components (union-find), shared by grouping, copy families and claims."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def components(items: Iterable[T], edges: Iterable[tuple[T, T]]) -> list[list[T]]:
    """Groups of items joined by edges, each in first-seen order; groups in order of their first item."""
    order = list(items)
    parent: dict[T, T] = {x: x for x in order}

    def root(x: T) -> T:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[root(a)] = root(b)
    groups: dict[T, list[T]] = {}
    for x in order:
        groups.setdefault(root(x), []).append(x)
    return list(groups.values())
