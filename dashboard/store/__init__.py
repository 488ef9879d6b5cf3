"""The DuckDB store: one file, versioned schema, all SQL of the application."""

from dashboard.store.database import LATEST_VERSION, Database, check_free, default_db_path, migrate, schema_version
from dashboard.store.store import ImportSummary, RatingEntry, Store, TableChange

__all__ = ["LATEST_VERSION", "Database", "ImportSummary", "RatingEntry", "Store", "TableChange", "check_free",
           "default_db_path", "migrate", "schema_version"]
