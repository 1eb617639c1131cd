"""Persistence: the embedded DuckDB store, its schema migrations, and who owns the file."""
