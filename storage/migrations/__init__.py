"""Alembic migration environment and revisions (loaded by Alembic, not imported)."""
