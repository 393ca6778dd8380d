"""Signed tokens: the unsubscribe link of a firm and the (firm, week) a workbook was made for.

The secret comes from `FUNDSCOUT_SECRET_KEY` (the review app uses the same one); without it a
key is generated for this process only, so links made then stop working after it ends.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeSerializer

from fundscout.config import has_stable_key, secret_key

PUBLIC_URL_DEFAULT = "http://localhost:8000"


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
    base = (os.environ.get("FUNDSCOUT_PUBLIC_URL") or PUBLIC_URL_DEFAULT).rstrip("/")
    return f"{base}/unsubscribe/{quote(unsubscribe_token(firm_id))}"


def digest_token(firm_id: str, week: str) -> str:
    return _serializer("digest").dumps([firm_id, week])


def read_digest_token(token: str) -> tuple[str, str]:
    """(firm id, week) of a workbook's token; BadToken when it is not ours."""
    try:
        firm_id, week = _serializer("digest").loads(token.strip())
    except (BadSignature, ValueError, TypeError) as exc:
        raise BadToken("the workbook's FundScout mark is not valid (altered, or made with another secret key)") from exc
    return str(firm_id), str(week)
