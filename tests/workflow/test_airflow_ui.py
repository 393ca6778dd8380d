"""An operator logs in to the Airflow UI in headless Chromium and finds the DAGs and the review app."""

from __future__ import annotations

import json
import re

import pytest
from airflow_helpers import airflow_env, api_healthy, run_airflow, wait_until
from playwright.sync_api import expect

from tests.browser import chromium

DAG_IDS = ["crawl_calls", "draft_briefs", "match_calls", "weekly_digests"]


@pytest.fixture
def airflow_ui(tmp_path, components):
    """The API server (which serves the UI) of a fresh deployment set up by scripts/airflow.sh."""
    env = airflow_env(tmp_path)
    run_airflow(env, "scripts/airflow.sh", "setup")
    run_airflow(env, "airflow", "dags", "reserialize")  # what the dag-processor would store
    group = components(env)
    group.start("api-server", "airflow", "api-server")
    wait_until(lambda: api_healthy(env), timeout=90, what="the Airflow API server", logs=group.logs)
    password = json.loads(open(env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]).read())["admin"]
    return f"http://127.0.0.1:{env['AIRFLOW__API__PORT']}", password


@pytest.mark.slow
def test_operator_logs_in_and_sees_the_dags_and_the_review_app(airflow_ui):
    base, password = airflow_ui
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}/")  # the UI sends a visitor without a token to its login page
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Invalid credentials").or_(page.get_by_text("Invalid"))).to_be_visible()

        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/dags")
        # the UI shows Ljubljana time to a browser that has chosen no zone (dags/plugins/fundscout_timezone.py)
        assert page.evaluate("JSON.parse(localStorage.getItem('timezone'))") == "Europe/Ljubljana"
        for dag_id in DAG_IDS:
            expect(page.get_by_role("link", name=dag_id, exact=True)).to_be_visible()
        expect(page.get_by_text("4 Dags")).to_be_visible()

        page.get_by_role("link", name="Review briefs").click()
        # the UI shows the app in an iframe and mirrors the iframe's path in its own URL
        expect(page).to_have_url(re.compile(re.escape(f"{base}/plugin/review")))
        review = page.frame_locator("iframe")
        # the review app asks for its own login: Airflow users are not working-group members
        expect(review.locator("input[type=password]")).to_be_visible()
