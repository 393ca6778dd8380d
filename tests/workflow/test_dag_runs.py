"""The DAGs run by Airflow (`dag.test()`) on the offline sample site: `crawl_calls` and `match_calls` fill
the store, `draft_briefs` queues briefs, `weekly_digests` mails a real SMTP server on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pendulum
import pytest
from aiosmtpd.controller import Controller
from airflow.dag_processing.dagbag import BundleDagBag
from airflow.models.asset import AssetEvent, AssetModel
from airflow.utils.session import create_session
from airflow_helpers import free_port
from sqlalchemy import func, select

from fundscout.config import DATA_DIR
from fundscout.db import session_scope
from fundscout.db.models import Brief, Call, CallDomain, DigestOutbox, Match, ScrapeRun
from matching.firms import import_firms_file
from scrapers import runner, sample_site
from scrapers.runner import spider_names


@pytest.fixture(scope="module")
def dags(dags_folder):
    """The project's DAGs, with the metadata DB of the test AIRFLOW_HOME migrated."""
    airflow = os.path.join(os.path.dirname(sys.executable), "airflow")
    subprocess.run([airflow, "db", "migrate"], check=True, capture_output=True, timeout=300)
    bag = BundleDagBag(dag_folder=dags_folder, bundle_path=dags_folder)
    assert bag.import_errors == {}
    return bag.dags


class Inbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients += envelope.rcpt_tos
        return "250 OK"


@pytest.fixture
def smtp_inbox(monkeypatch) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv(
        "FUNDSCOUT_SMTP_URL", f"smtp://127.0.0.1:{controller.port}?from=razpisi@fundscout.example&timeout=5"
    )
    monkeypatch.setenv("FUNDSCOUT_SECRET_KEY", "test-key-for-unsubscribe-links")
    monkeypatch.setenv("FUNDSCOUT_PUBLIC_URL", "https://razpisi.kranj.example")
    yield inbox
    controller.stop()


def _asset_events(name: str) -> int:
    with create_session() as session:
        query = (
            select(func.count(AssetEvent.id))
            .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .where(AssetModel.name == name)
        )
        return session.scalar(query)


def _task_states(run) -> dict[str, list[str]]:
    states: dict[str, list[str]] = {}
    for ti in run.get_task_instances():
        states.setdefault(ti.task_id, []).append(ti.state)
    return states


@pytest.mark.slow
def test_crawl_match_brief_and_mail_on_the_sample_site(dags, fundscout_env, smtp_inbox):
    db_url = fundscout_env
    import_firms_file(db_url, DATA_DIR / "sample" / "firms.csv")
    calls_events = _asset_events("calls")

    crawl = dags["crawl_calls"].test(run_conf={"offline": True})
    assert crawl.state == "success", _task_states(crawl)
    assert _task_states(crawl)["crawl"] == ["success"] * len(spider_names())
    assert _asset_events("calls") == calls_events + len(spider_names())  # what schedules match_calls
    with session_scope(db_url) as session:
        loaded = session.scalars(select(ScrapeRun.source).where(ScrapeRun.verdict == "loaded")).all()
        assert sorted(loaded) == spider_names()
        calls = session.scalar(select(func.count()).select_from(Call))
        assert calls > 0
        assert session.scalar(select(func.count()).select_from(Match)) == 0

    matches_events = _asset_events("matches")
    match = dags["match_calls"].test()
    assert match.state == "success", _task_states(match)
    assert _asset_events("matches") == matches_events + 1  # what schedules draft_briefs
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count(func.distinct(CallDomain.call_id)))) > 0
        matched_calls = session.scalar(select(func.count(func.distinct(Match.call_id))))
        assert 0 < matched_calls <= calls
        matches = session.scalar(select(func.count()).select_from(Match))

    # re-running the same interval changes nothing: the tasks are idempotent
    again = dags["match_calls"].test()
    assert again.state == "success"
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count()).select_from(Match)) == matches

    briefs = dags["draft_briefs"].test()
    assert briefs.state == "success", _task_states(briefs)
    with session_scope(db_url) as session:
        assert session.scalar(select(func.count()).select_from(Brief)) > 0

    monday = pendulum.now("Europe/Ljubljana").start_of("week").add(hours=7)
    digests = dags["weekly_digests"].test(logical_date=monday)
    assert digests.state == "success", _task_states(digests)
    with session_scope(db_url) as session:
        sent = session.scalars(select(DigestOutbox.firm_id).where(DigestOutbox.status == "sent")).all()
    assert sent and len(smtp_inbox.recipients) == len(sent)
    # a re-run of the same week (a retry, say) sends nobody a second digest
    dags["weekly_digests"].test(logical_date=monday.add(minutes=1))
    assert len(smtp_inbox.recipients) == len(sent)


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_redesigned_source_fails_its_own_task_at_once_and_the_others_load(dags, fundscout_env, monkeypatch, caplog):
    render = sample_site.render_sample_sites
    redesigned_host = sorted(render())[0]

    def render_with_one_redesign(*args, **kwargs):
        sites = render(*args, **kwargs)
        new_look = sample_site.Page(b"<html><body><main><p>Nova spletna stran</p></main></body></html>")
        sites[redesigned_host] = {key: new_look for key in sites[redesigned_host]}
        return sites

    monkeypatch.setattr(runner, "render_sample_sites", render_with_one_redesign)
    dag = dags["crawl_calls"]
    # no wait between tries, so a wrongful retry shows at once in try_number
    monkeypatch.setitem(dag.get_task("crawl").partial_kwargs, "retry_delay", timedelta(0))

    run = dag.test(run_conf={"offline": True})
    assert run.state == "failed"
    crawls = [ti for ti in run.get_task_instances() if ti.task_id == "crawl"]
    failed = [ti for ti in crawls if ti.state == "failed"]
    assert len(failed) == 1 and failed[0].try_number == 1  # failed without retrying
    assert sorted(ti.state for ti in crawls if ti not in failed) == ["success"] * (len(spider_names()) - 1)
    # each mapped task is labelled with its spider, the failed one with the redesigned source's
    assert sorted(ti.rendered_map_index for ti in crawls) == spider_names()
    with session_scope(fundscout_env) as session:
        verdicts = dict(session.execute(select(ScrapeRun.source, ScrapeRun.verdict)).all())
        assert list(verdicts.values()).count("failed") == 1
        assert session.scalar(select(func.count()).select_from(Call)) > 0  # the other sources loaded
        refused = session.scalars(select(ScrapeRun).where(ScrapeRun.verdict == "failed")).one()
    assert failed[0].rendered_map_index == refused.source
    # the task log gives the real reason, as `fundscout sources` does
    assert f"{refused.source}: layout failure: {refused.reason}" in caplog.text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("dag_id", ["match_calls", "draft_briefs"])
def test_matching_and_briefs_fail_loudly_when_the_registry_holds_no_firms(dags, fundscout_env, dag_id, capfd):
    run = dags[dag_id].test()
    assert run.state == "failed"
    (ti,) = run.get_task_instances()
    assert ti.state == "failed" and ti.try_number == 1  # a retry cannot bring firms: no retries
    assert "the firm registry holds no firms" in capfd.readouterr().out
