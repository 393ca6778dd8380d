"""The DAG folder imports cleanly and wires the four DAGs with their schedules and assets."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from airflow.dag_processing.dagbag import BundleDagBag

DAG_IDS = {"crawl_calls", "match_calls", "draft_briefs", "weekly_digests"}


@pytest.fixture(scope="module")
def bag(dags_folder):
    return BundleDagBag(dag_folder=dags_folder, bundle_path=dags_folder, known_pools={"default_pool", "smtp"})


def test_dag_folder_imports_without_errors(bag):
    assert bag.import_errors == {}
    assert set(bag.dag_ids) == DAG_IDS


def test_crawl_runs_daily_in_ljubljana_and_maps_one_task_per_spider(bag):
    dag = bag.dags["crawl_calls"]
    assert (dag.timetable.expression, dag.timetable.timezone.name) == ("30 5 * * *", "Europe/Ljubljana")
    assert dag.catchup is False
    crawl = dag.get_task("crawl")
    assert crawl.upstream_task_ids == {"list_spiders"}
    assert crawl.is_mapped
    assert crawl.op_kwargs_expand_input.value.keys() == {"spider"}  # one task instance per spider
    assert [asset.name for asset in crawl.outlets] == ["calls"]
    assert crawl.partial_kwargs["execution_timeout"] is not None
    assert crawl.partial_kwargs["retries"] > 0  # transient errors retry; rejected crawls raise AirflowFailException


@pytest.mark.parametrize(
    ("dag_id", "consumes", "produces"), [("match_calls", "calls", "matches"), ("draft_briefs", "matches", None)]
)
def test_downstream_dags_run_when_their_asset_is_updated(bag, dag_id, consumes, produces):
    dag = bag.dags[dag_id]
    assert [asset.name for asset in dag.timetable.asset_condition.objects] == [consumes]
    outlets = [asset.name for task in dag.tasks for asset in task.outlets]
    assert outlets == ([produces] if produces else [])


def test_weekly_digests_run_monday_morning_and_send_in_the_smtp_pool(bag):
    dag = bag.dags["weekly_digests"]
    assert (dag.timetable.expression, dag.timetable.timezone.name) == ("0 7 * * 1", "Europe/Ljubljana")
    send = dag.get_task("send")
    assert send.pool == "smtp"
    assert send.upstream_task_ids == {"build"}
    assert dag.get_task("build").pool == "default_pool"


def test_dag_files_import_no_project_or_heavy_module_at_parse_time(dags_folder):
    """Parsing must stay cheap: the project's code is imported inside the task bodies only."""
    probe = (
        "import sys, json\n"
        "from airflow.dag_processing.dagbag import BundleDagBag\n"
        f"bag = BundleDagBag(dag_folder={str(dags_folder)!r}, bundle_path={str(dags_folder)!r})\n"
        "heavy = ('pandas', 'scrapy', 'sklearn', 'openpyxl', 'fundscout', 'matching', 'scrapers')\n"
        "print(json.dumps({'dags': sorted(bag.dag_ids), 'loaded': sorted(m for m in sys.modules if m.split('.')[0] in heavy)}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report["dags"]) == DAG_IDS
    assert report["loaded"] == []
