"""The DuckDB store: one file, versioned schema, all SQL of the application."""

from dashboard.store.database import Database, default_db_path, migrate, schema_version
from dashboard.store.store import ImportSummary, RatingEntry, Store, TableChange

__all__ = ["Database", "ImportSummary", "RatingEntry", "Store", "TableChange", "default_db_path",
           "migrate", "schema_version"]
