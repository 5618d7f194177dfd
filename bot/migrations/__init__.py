"""Alembic migrations of the history schema (run with `draft-review db upgrade`)."""
