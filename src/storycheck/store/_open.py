"""Which engine a store target names: a ``postgresql://`` URL or a SQLite file. Above both engines,
so neither engine module imports back into the code that picks it."""

from __future__ import annotations

import os

from ._common import Store, default_db_path, is_url


def open_store(target: str | os.PathLike[str] | None = None) -> Store:
    """A store from a path (SQLite) or a ``postgresql://`` URL; default: $STORYCHECK_DB or the user data dir."""
    where = str(target) if target is not None else str(default_db_path())
    if is_url(where):
        from ._postgres import PostgresStore

        return PostgresStore(where)
    from ._sqlite import SQLiteStore

    return SQLiteStore(where)
