"""Persistent storage: SQLite by default (one file), schema under numbered migrations.

Writes happen in one transaction per call, so an interrupted or failed ``add``
leaves the database as it was.
"""

from ._sqlite import SCHEMA_VERSION, Store, default_db_path, open_store

__all__ = ["SCHEMA_VERSION", "Store", "default_db_path", "open_store"]
