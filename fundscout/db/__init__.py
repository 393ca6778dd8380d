"""The store: engine, sessions and migrations."""

from fundscout.db.engine import engine_for, session_scope, upgrade

__all__ = ["engine_for", "session_scope", "upgrade"]
