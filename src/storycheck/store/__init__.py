"""Persistent storage: SQLite by default (one file), PostgreSQL by URL; one schema
under numbered migrations, one code path (``_common``).

Writes happen in transactions, so an interrupted or failed ``add`` leaves no
half-written article behind, and a rerun continues where it stopped.
"""

from ._common import SCHEMA_VERSION, Store, content_hash, default_db_path
from ._open import open_store
from ._postgres import PostgresStore
from ._sqlite import SQLiteStore

__all__ = ["SCHEMA_VERSION", "PostgresStore", "SQLiteStore", "Store", "content_hash", "default_db_path", "open_store"]
