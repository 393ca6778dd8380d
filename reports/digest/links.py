"""Signed tokens: the unsubscribe link of a firm and the (firm, week) a workbook was made for.

The secret comes from `FUNDSCOUT_SECRET_KEY` (the review app uses the same one); without it a
key is generated for this process only, so links made then stop working after it ends.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from fundscout.config import has_stable_key, secret_key
from fundscout.config import public_url as app_url


class BadToken(ValueError):
    """A token that was not made with this secret or was altered."""


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(), salt=f"fundscout.{purpose}")


def unsubscribe_token(firm_id: str) -> str:
    return _serializer("unsubscribe").dumps(firm_id)


def firm_of_unsubscribe_token(token: str) -> str:
    try:
        return str(_serializer("unsubscribe").loads(token.strip()))
    except BadSignature as exc:
        raise BadToken("unsubscribe token is not valid (altered, or made with another secret key)") from exc


def sending_problems() -> list[str]:
    """What is missing before digests may leave the machine: links that work for the firm."""
    problems = []
    if not os.environ.get("FUNDSCOUT_PUBLIC_URL"):
        problems.append(
            "sending digests needs FUNDSCOUT_PUBLIC_URL (the review app's public address), "
            "or the unsubscribe links would point at this machine"
        )
    if not has_stable_key():
        problems.append(
            "sending digests needs FUNDSCOUT_SECRET_KEY, so the unsubscribe links and returned "
            "workbooks stay valid after this run"
        )
    return problems


def unsubscribe_url(firm_id: str) -> str:
    return f"{app_url()}/unsubscribe/{quote(unsubscribe_token(firm_id))}"


def digest_token(firm_id: str, week: str) -> str:
    return _serializer("digest").dumps([firm_id, week])


def read_digest_token(token: str) -> tuple[str, str]:
    """(firm id, week) of a workbook's token; BadToken when it is not ours."""
    try:
        firm_id, week = _serializer("digest").loads(token.strip())
    except (BadSignature, ValueError, TypeError) as exc:
        raise BadToken("the workbook's FundScout mark is not valid (altered, or made with another secret key)") from exc
    return str(firm_id), str(week)


# --- firm self-service (web/firms.py): expiring, single-purpose tokens ------------------------------

# purpose -> lifetime in seconds. The purpose is the salt: a token made for one never passes as another.
FIRM_TOKEN_AGES = {
    "confirm": 2 * 24 * 3600,  # the double opt-in link of a sign-up
    "email": 2 * 24 * 3600,  # confirms a changed e-mail address
    "profile": 60 * 24 * 3600,  # the profile link in each digest and sign-up mail
}


def firm_token(purpose: str, *payload: str) -> str:
    return URLSafeTimedSerializer(secret_key(), salt=f"fundscout.firm.{purpose}").dumps(list(payload))


def read_firm_token(purpose: str, token: str) -> list[str]:
    """The payload of a `firm_token` made for `purpose` and younger than its lifetime; BadToken otherwise."""
    serializer = URLSafeTimedSerializer(secret_key(), salt=f"fundscout.firm.{purpose}")
    try:
        payload = serializer.loads(token.strip(), max_age=FIRM_TOKEN_AGES[purpose])
    except SignatureExpired as exc:
        raise BadToken(f"the {purpose} link has expired") from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise BadToken(f"the {purpose} link is not valid") from exc
    if not isinstance(payload, list) or not all(isinstance(p, str) for p in payload):
        raise BadToken(f"the {purpose} link is not valid")
    return payload


def public_url(path: str) -> str:
    """An address of the web app for links that leave the machine (FUNDSCOUT_PUBLIC_URL)."""
    return f"{app_url()}{path}"


def profile_url(firm_id: str) -> str:
    """The firm's own profile page (edit, pause, e-mail, unsubscribe, data, delete)."""
    return public_url(f"/firms/profile/{quote(firm_token('profile', firm_id))}")
