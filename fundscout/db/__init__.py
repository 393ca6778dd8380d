"""The store: engine, sessions, the load lock and migrations."""

from fundscout.db.engine import StoreBusy, engine_for, lock_for_load, run_load, session_scope, upgrade

__all__ = ["StoreBusy", "engine_for", "lock_for_load", "run_load", "session_scope", "upgrade"]
