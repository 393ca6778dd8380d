"""The review app over HTTP on both backends: access control, CSRF, the workflow rules, re-review."""

from __future__ import annotations

import io

import docx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from fundscout.cli import app as cli
from fundscout.db import session_scope
from fundscout.db.models import AuditLog, Brief, Comment, Review, User
from reports.briefs import draft_briefs
from tests.brief_seed import DIGITAL_CALL, MOBILITY_CALL, TODAY, load_calls, seed_store
from tests.review_helpers import PASSWORD, USERNAME, csrf_of, log_in
from web.i18n import ACTIONS
from web.workflow import TRANSITIONS


def test_anonymous_requests_are_refused(client: TestClient, review_store: dict[str, int]) -> None:
    brief_id = review_store[DIGITAL_CALL["id"]]
    for path in ("/", f"/briefs/{brief_id}", f"/briefs/{brief_id}/brief.docx", "/audit"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].endswith("/login"), path
    token = csrf_of(client.get("/login").text)  # even with a valid CSRF token
    for path in (f"/briefs/{brief_id}/comments", f"/briefs/{brief_id}/status", "/logout"):
        response = client.post(path, data={"csrf_token": token, "body": "x", "to_status": "in_review"})
        assert response.status_code == 401, path


def test_login_needs_the_right_password_and_is_rate_limited(client: TestClient, db_url: str) -> None:
    assert log_in(client, password="napačno-geslo").status_code == 401
    for _ in range(4):
        log_in(client, password="napačno-geslo")
    assert log_in(client).status_code == 429  # blocked even with the right password now
    other = log_in(client, username="nobody", password="x" * 12)
    assert other.status_code == 401
    with session_scope(db_url) as session:
        failures = session.scalars(select(AuditLog.target).where(AuditLog.action == "login_failed")).all()
    assert failures.count(f"user:{USERNAME}") == 5


def test_login_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": USERNAME, "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303


def test_post_without_or_with_a_wrong_csrf_token_changes_nothing(
    reviewer: TestClient, db_url: str, review_store: dict[str, int]
) -> None:
    brief_id = review_store[DIGITAL_CALL["id"]]
    for data in ({"body": "brez žetona"}, {"body": "tuj žeton", "csrf_token": "x" * 43}):
        assert reviewer.post(f"/briefs/{brief_id}/comments", data=data).status_code == 403
    response = reviewer.post(f"/briefs/{brief_id}/status", data={"to_status": "in_review"})
    assert response.status_code == 403
    with session_scope(db_url) as session:
        assert session.scalars(select(Comment)).all() == []
        assert session.get(Brief, brief_id).status == "draft"


def test_review_flow_comment_approve_and_audit(reviewer: TestClient, db_url: str, review_store: dict[str, int]) -> None:
    brief_id = review_store[DIGITAL_CALL["id"]]
    page = reviewer.get(f"/briefs/{brief_id}")
    assert page.status_code == 200 and "Razpis na kratko" in page.text
    assert ">Pošlji v pregled</button>" in page.text
    token = csrf_of(page.text)
    comment = reviewer.post(
        f"/briefs/{brief_id}/comments", data={"csrf_token": token, "body": "<b>Dobra priložnost</b> za Kranj"}
    )
    assert comment.status_code == 200 and "Komentar je dodan." in comment.text
    assert "&lt;b&gt;Dobra priložnost&lt;/b&gt; za Kranj" in comment.text
    # A status button asks first; nothing changes until the confirmation is posted.
    asked = reviewer.post(f"/briefs/{brief_id}/status", data={"csrf_token": token, "to_status": "in_review"})
    assert asked.status_code == 200
    assert f"Pošljem osnutek »{DIGITAL_CALL['title']}« v pregled?" in asked.text
    assert ">Da, pošlji v pregled</button>" in asked.text
    with session_scope(db_url) as session:
        assert session.get(Brief, brief_id).status == "draft"
    for status, done in (("in_review", "je poslan v pregled."), ("approved", "je odobren.")):
        response = reviewer.post(
            f"/briefs/{brief_id}/status", data={"csrf_token": token, "to_status": status, "confirmed": "yes"}
        )
        assert response.status_code == 200
        assert f"Osnutek »{DIGITAL_CALL['title']}« {done}" in response.text  # the flash message
    assert '<strong id="status" class="badge badge-approved">odobren</strong>' in response.text
    assert "Osnutek »" not in reviewer.get(f"/briefs/{brief_id}").text  # shown once
    audit = reviewer.get("/audit?lang=en").text
    assert "status changed" in audit and "from “in review” to “approved”" in audit and "Ana Novak" in audit
    assert f'<a href="/briefs/{brief_id}">brief “{DIGITAL_CALL["title"]}” (Slovenian)</a>' in audit
    with session_scope(db_url) as session:
        reviews = session.execute(
            select(Review.from_status, Review.to_status, User.username)
            .join(User, User.id == Review.user_id)
            .order_by(Review.id)
        ).all()
    assert [tuple(r) for r in reviews] == [("draft", "in_review", USERNAME), ("in_review", "approved", USERNAME)]


def test_rejection_needs_a_reason_and_only_allowed_steps_are_taken(
    reviewer: TestClient, db_url: str, review_store: dict[str, int]
) -> None:
    brief_id = review_store[DIGITAL_CALL["id"]]
    token = csrf_of(reviewer.get(f"/briefs/{brief_id}").text)

    def post(to_status: str, **more: str):
        data = {"csrf_token": token, "to_status": to_status, "confirmed": "yes", **more}
        return reviewer.post(f"/briefs/{brief_id}/status", data=data)

    skip = post("approved")
    assert skip.status_code == 400  # draft cannot jump to approved
    assert "Stanja »osnutek« ni mogoče spremeniti v »odobren«." in skip.text
    post("in_review")
    for ask in ({"confirmed": ""}, {}):  # refused before the confirmation step and at it
        refused = post("rejected", reason="   ", **ask)
        assert refused.status_code == 400 and "Zavrnitev potrebuje utemeljitev." in refused.text
    with session_scope(db_url) as session:
        assert session.get(Brief, brief_id).status == "in_review"
    asked = post("rejected", reason="Kranj ni upravičen prijavitelj.", confirmed="")
    assert "Zavrnem osnutek" in asked.text and "Kranj ni upravičen prijavitelj." in asked.text
    rejected = post("rejected", reason="Kranj ni upravičen prijavitelj.")
    assert rejected.status_code == 200 and "je zavrnjen." in rejected.text
    with session_scope(db_url) as session:
        assert session.get(Brief, brief_id).status == "rejected"
        assert (
            session.scalars(select(Review.reason).order_by(Review.id.desc())).first()
            == "Kranj ni upravičen prijavitelj."
        )
    audit = reviewer.get("/audit").text
    assert "iz »v pregledu« v »zavrnjen«; utemeljitev: Kranj ni upravičen prijavitelj." in audit


def test_list_filters(reviewer: TestClient, review_store: dict[str, int]) -> None:
    digital, mobility = DIGITAL_CALL["title"], MOBILITY_CALL["title"]

    def listed(query: str) -> set[str]:
        text = reviewer.get(f"/?{query}").text
        return {title for title in (digital, mobility) if title in text}

    assert listed("") == {digital, mobility}
    assert listed("domain=urban_mobility") == {mobility}
    assert listed("min_score=60") == {digital}
    assert listed("deadline_before=2026-12-31") == {mobility}
    assert listed("status=approved") == set()
    assert listed("status=draft&domain=e_governance") == {digital}


def test_changed_call_is_flagged_with_what_changed(
    reviewer: TestClient, db_url: str, tmp_path, review_store: dict[str, int]
) -> None:
    brief_id = review_store[DIGITAL_CALL["id"]]
    assert "ponovni pregled" not in reviewer.get(f"/briefs/{brief_id}").text
    load_calls(db_url, {**DIGITAL_CALL, "deadlines": ["2027-03-01"], "call_type": "amendment"})
    page = reviewer.get(f"/briefs/{brief_id}?lang=en").text
    assert "The call changed since the brief was reviewed" in page
    assert '>2027-01-15, 2027-04-15</td><td data-label="Now">2027-03-01</td>' in page
    assert "re-review" in reviewer.get("/").text
    draft_briefs(db_url, min_score=80, lang="sl", out_dir=tmp_path / "again", today=TODAY)
    with session_scope(db_url) as session:
        assert session.get(Brief, brief_id).needs_rereview
    # Reviewing it (any status change) makes the current call the reference again.
    reviewer.post(
        f"/briefs/{brief_id}/status", data={"csrf_token": csrf_of(page), "to_status": "in_review", "confirmed": "yes"}
    )
    assert "The call changed" not in reviewer.get(f"/briefs/{brief_id}").text
    with session_scope(db_url) as session:
        assert not session.get(Brief, brief_id).needs_rereview


def test_app_works_mounted_under_a_path_prefix(app: FastAPI, review_store: dict[str, int]) -> None:
    host = FastAPI()
    host.mount("/fundscout", app)
    with TestClient(host) as client:
        redirect = client.get("/fundscout/", follow_redirects=False)
        assert redirect.headers["location"] == "/fundscout/login"
        login = log_in(client, prefix="/fundscout")
        assert login.headers["location"] == "/fundscout/"
        listing = client.get("/fundscout/").text
        brief_id = review_store[DIGITAL_CALL["id"]]
        assert f'href="/fundscout/briefs/{brief_id}"' in listing
        assert 'href="/fundscout/static/fundscout.css"' in listing
        assert client.get("/fundscout/static/fundscout.css").headers["content-type"].startswith("text/css")
        page = client.get(f"/fundscout/briefs/{brief_id}").text
        assert f'action="/fundscout/briefs/{brief_id}/comments"' in page
        posted = client.post(
            f"/fundscout/briefs/{brief_id}/comments",
            data={"csrf_token": csrf_of(page), "body": "pod predpono"},
            follow_redirects=False,
        )
        assert posted.headers["location"] == f"/fundscout/briefs/{brief_id}"


def test_pages_are_english_on_request_and_forbid_scripts(reviewer: TestClient) -> None:
    response = reviewer.get("/?lang=en")
    assert "Drafts" in response.text and "Osnutki" not in response.text
    assert "Drafts" in reviewer.get("/").text  # the choice sticks to the session
    assert "script-src" not in response.headers["content-security-policy"]  # default-src 'none' covers it
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_user_add_hashes_the_password(fundscout_env: str, monkeypatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("FUNDSCOUT_USER_PASSWORD", "zelo-dolgo-geslo")
    result = runner.invoke(cli, ["user", "add", "marko", "--display-name", "Marko Kranjc"])
    assert result.exit_code == 0 and "added" in result.output
    with session_scope(fundscout_env) as session:
        user = session.scalars(select(User).where(User.username == "marko")).one()
    assert user.password_hash.startswith("$argon2") and "zelo-dolgo-geslo" not in user.password_hash
    monkeypatch.setenv("FUNDSCOUT_USER_PASSWORD", "kratko")
    result = runner.invoke(cli, ["user", "add", "jana"])
    assert result.exit_code == 2 and "at least 10 characters" in result.output


def test_hostile_call_text_is_inert_on_the_pages(reviewer: TestClient, db_url: str, tmp_path) -> None:
    hostile = {
        **DIGITAL_CALL,
        "id": "test-hostile-page",
        "title": "<script>alert(1)</script>{{ 7*7 }}",
        "summary": "<img src=x onerror=alert(2)>",
    }
    seed_store(db_url, hostile)
    drafted = draft_briefs(
        db_url, min_score=0, lang="sl", out_dir=tmp_path / "h", call_ids=[hostile["id"]], today=TODAY
    )
    brief_id = next(d.brief_id for d in drafted if d.call_id == hostile["id"])
    for path in ("/", f"/briefs/{brief_id}"):
        text = reviewer.get(path).text
        assert "<script>" not in text and "<img" not in text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in text, path


def test_brief_downloads_as_a_word_document(reviewer: TestClient, review_store: dict[str, int]) -> None:
    brief_id = review_store[DIGITAL_CALL["id"]]
    assert f'href="/briefs/{brief_id}/brief.docx"' in reviewer.get(f"/briefs/{brief_id}").text
    response = reviewer.get(f"/briefs/{brief_id}/brief.docx")
    assert response.status_code == 200
    assert 'filename="test-2026-digital.sl.docx"' in response.headers["content-disposition"]
    document = docx.Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == f"Osnutek projektne zamisli: {DIGITAL_CALL['title']}"
    for path in ("/briefs/999999", "/briefs/999999/brief.docx"):
        missing = reviewer.get(path)
        assert missing.status_code == 404 and "Osnutka ni." in missing.text
    token = csrf_of(reviewer.get(f"/briefs/{brief_id}").text)
    assert reviewer.post("/briefs/999999/comments", data={"csrf_token": token, "body": "x"}).status_code == 404


def test_list_has_one_row_per_call_in_the_page_language(
    reviewer: TestClient, db_url: str, tmp_path, review_store: dict[str, int]
) -> None:
    english = {
        d.call_id: d.brief_id for d in draft_briefs(db_url, min_score=50, lang="en", out_dir=tmp_path, today=TODAY)
    }
    slovenian = review_store
    listing = reviewer.get("/").text
    assert listing.count(DIGITAL_CALL["title"]) == 1 and listing.count(MOBILITY_CALL["title"]) == 1
    assert f'href="/briefs/{slovenian[DIGITAL_CALL["id"]]}"' in listing
    assert "15. 1. 2027" in listing and "še " in listing  # Slovenian date and the days left
    assert 'title="Ocena 0–100 %: verjetnost' in listing and 'id="legend"' in listing
    in_english = reviewer.get("/?lang=en").text
    assert f'href="/briefs/{english[DIGITAL_CALL["id"]]}"' in in_english and "days left" in in_english
    page = reviewer.get(f"/briefs/{english[DIGITAL_CALL['id']]}").text  # the switch to the other language
    assert f'<a href="/briefs/{slovenian[DIGITAL_CALL["id"]]}" hreflang="sl">Slovenian</a>' in page


def test_every_workflow_step_has_words_in_both_languages() -> None:
    for lang in ("sl", "en"):
        assert set(ACTIONS[lang]) == {(f, to) for f, steps in TRANSITIONS.items() for to in steps}
    assert [ACTIONS["sl"][step][0] for step in (("draft", "in_review"), ("in_review", "approved"))] == [
        "Pošlji v pregled",
        "Odobri",
    ]
    assert ACTIONS["sl"][("in_review", "rejected")][0] == "Zavrni"
    assert ACTIONS["sl"][("approved", "submitted")][0] == "Oddano"
