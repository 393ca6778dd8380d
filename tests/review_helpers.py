"""Driving the review app over HTTP in tests: the reviewer's credentials, login and CSRF tokens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

USERNAME, PASSWORD = "ana.novak", "dolgo-geslo-2026"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def log_in(client: TestClient, username: str = USERNAME, password: str = PASSWORD, prefix: str = ""):
    token = csrf_of(client.get(f"{prefix}/login").text)
    return client.post(
        f"{prefix}/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
