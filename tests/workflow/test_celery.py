"""The project's DAGs run unchanged on CeleryExecutor: PostgreSQL metadata DB, Redis broker, a real worker.

`scripts/airflow.sh celery` (what `make airflow-celery` runs) starts every component; the test gives it a
fresh metadata database, its own Redis database number and the PostgreSQL test store with the sample
calls and firms, and runs `match_calls` there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from airflow_helpers import airflow_env, api_healthy, free_port, run_airflow, wait_until
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from fundscout.config import DATA_DIR
from fundscout.db import session_scope
from fundscout.db.models import Match
from fundscout.load import import_calls_file
from matching.firms import import_firms_file

REDIS_DB = 13  # apart from the default 0 that a local `make airflow-celery` uses
DAG_ID = "match_calls"


@pytest.fixture
def metadata_url() -> Iterator[str]:
    admin_url = os.environ.get("FUNDSCOUT_TEST_DATABASE_URL")
    if not admin_url:
        pytest.skip("FUNDSCOUT_TEST_DATABASE_URL is not set; the Celery test runs in CI")
    name = f"airflow_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def redis_url() -> Iterator[str]:
    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()  # an unreachable server raises here: the test fails
    yield url
    client.flushdb()
    client.close()


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_dag_runs_through_a_celery_worker(tmp_path, components, metadata_url, redis_url, db_url):
    import_calls_file(db_url, DATA_DIR / "sample" / "calls.jsonl")
    import_firms_file(db_url, DATA_DIR / "sample" / "firms.csv")
    env = airflow_env(
        tmp_path,
        AIRFLOW_CELERY_DATABASE_URL=metadata_url,
        AIRFLOW__CELERY__BROKER_URL=redis_url,
        AIRFLOW__CELERY__WORKER_CONCURRENCY="2",
        AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()),
        AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
        FUNDSCOUT_DATABASE_URL=db_url,
    )
    group = components(env)
    group.start("airflow-celery", "scripts/airflow.sh", "celery")
    meta = create_engine(metadata_url)

    def scalar(sql: str, **params):
        try:
            with meta.connect() as conn:
                return conn.execute(text(sql), params).scalar()
        except Exception:  # tables appear only once the script has migrated the database
            return None

    wait_until(lambda: api_healthy(env), timeout=180, what="the API server", logs=group.logs)
    wait_until(
        lambda: scalar("SELECT count(*) FROM dag WHERE dag_id = :d", d=DAG_ID) == 1,
        timeout=120,
        what="the dag-processor to store the DAGs",
        logs=group.logs,
    )
    run_airflow(env, "scripts/airflow.sh", "celery-cli", "dags", "unpause", DAG_ID)
    run_airflow(env, "scripts/airflow.sh", "celery-cli", "dags", "trigger", DAG_ID)

    run_state = "SELECT state FROM dag_run WHERE dag_id = :d"
    wait_until(
        lambda: scalar(run_state, d=DAG_ID) in ("success", "failed"),
        timeout=240,
        what=f"the {DAG_ID} run to finish",
        logs=group.logs,
    )
    assert scalar(run_state, d=DAG_ID) == "success", group.logs()
    # the task went through Celery: the worker stores its result once the task has reported to Airflow
    wait_until(
        lambda: (scalar("SELECT count(*) FROM celery_taskmeta WHERE status = 'SUCCESS'") or 0) >= 1,
        timeout=60,
        what="the worker's result in the Celery result backend",
        logs=group.logs,
    )
    assert scalar("SELECT count(*) FROM task_instance WHERE dag_id = :d AND state = 'success'", d=DAG_ID) >= 1
    meta.dispose()
    with session_scope(db_url) as session:  # the worker's task wrote the matches into the store
        assert session.scalar(select(func.count()).select_from(Match)) > 0
