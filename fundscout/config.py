"""Configuration from the environment, with working defaults (README, "Configuration")."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
TEMPLATES_DIR = REPO_ROOT / "templates"

# Defaults, named once: the CLI, the job layer, the demo and the stages all read these.
CRAWL_TIMEOUT_SECONDS = 1800.0  # a crawl subprocess still running then is stopped, its run refused
SMTP_TIMEOUT_SECONDS = 30.0  # one SMTP connection or command
DIGEST_MIN_SCORE = 30.0  # lowest match score (0-100) a weekly digest lists
BRIEF_MIN_SCORE = 60.0  # lowest best firm-match score (0-100) of a call worth a draft brief
STORE_MIN_SCORE = 1.0  # pairs scoring below this are not stored (an existing row is still updated)
PUBLIC_URL_DEFAULT = "http://localhost:8000"
STORE_BUSY_SECONDS = 300.0  # a load waits this long for another load (or writer) before it gives up


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    smtp_url: str | None
    timezone: ZoneInfo

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        home = Path(env.get("FUNDSCOUT_HOME") or "./var").resolve()
        database_url = env.get("FUNDSCOUT_DATABASE_URL") or f"sqlite:///{home / 'fundscout.db'}"
        return cls(
            home=home,
            database_url=database_url,
            smtp_url=env.get("FUNDSCOUT_SMTP_URL") or None,
            timezone=ZoneInfo(env.get("FUNDSCOUT_TIMEZONE") or "Europe/Ljubljana"),
        )


def settings() -> Settings:
    """Current settings; read on each call so tests and subprocesses can change the environment."""
    return Settings.from_env()


@cache
def _process_key() -> str:
    return secrets.token_urlsafe(32)


def secret_key() -> str:
    """Key for signed sessions and links: `FUNDSCOUT_SECRET_KEY`, else one made for this process only
    (then links and sessions stop working when the process ends, or across processes)."""
    return os.environ.get("FUNDSCOUT_SECRET_KEY") or _process_key()


def has_stable_key() -> bool:
    return bool(os.environ.get("FUNDSCOUT_SECRET_KEY"))


def public_url() -> str:
    """The web app's address as the outside world sees it (`FUNDSCOUT_PUBLIC_URL`), without a trailing slash."""
    return (os.environ.get("FUNDSCOUT_PUBLIC_URL") or PUBLIC_URL_DEFAULT).rstrip("/")


def trusted_proxies() -> list[str]:
    """Addresses or networks of the reverse proxies whose X-Forwarded-For/-Proto headers the web app
    believes (`FUNDSCOUT_TRUSTED_PROXIES`, comma-separated); none by default."""
    return [p.strip() for p in os.environ.get("FUNDSCOUT_TRUSTED_PROXIES", "").split(",") if p.strip()]


def display_url(url: str) -> str:
    """A database URL fit to print or log: the password, if any, replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # not a URL SQLAlchemy can read: show only its scheme
        return url.split("://", 1)[0] + "://***"
