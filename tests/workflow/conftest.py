"""Airflow test setup: a throw-away AIRFLOW_HOME, set before anything imports airflow."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from airflow_helpers import REPO, Components

DAGS = REPO / "dags"
AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="fundscout-airflow-"))

# Airflow reads its configuration once, on first import: these must be in place before that.
os.environ.update(
    AIRFLOW_HOME=str(AIRFLOW_HOME),
    AIRFLOW__CORE__DAGS_FOLDER=str(DAGS),
    AIRFLOW__CORE__PLUGINS_FOLDER=str(DAGS / "plugins"),
    AIRFLOW__CORE__LOAD_EXAMPLES="False",
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{AIRFLOW_HOME / 'airflow.db'}",
)


@pytest.fixture(scope="session")
def dags_folder() -> Path:
    return DAGS


@pytest.fixture
def components(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], Components]]:
    started: list[Components] = []

    def make(env: dict[str, str]) -> Components:
        log_dir = tmp_path / "logs"
        log_dir.mkdir(exist_ok=True)
        started.append(Components(env, log_dir))
        return started[-1]

    yield make
    for group in started:
        group.stop()
