"""`scripts/airflow.sh standalone` (what `make airflow` runs): every server it starts listens on
127.0.0.1 only, the log servers included, and the UI pages carry the project's time zone."""

from __future__ import annotations

import os
import sys
import urllib.request

import psutil
import pytest
from airflow_helpers import airflow_env, api_healthy, free_port, wait_until


def listening(root_pid: int) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket listened on by a process and its descendants."""
    try:
        root = psutil.Process(root_pid)
        pids = {root.pid} | {child.pid for child in root.children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()
    return {
        (c.laddr.ip, c.laddr.port)
        for c in psutil.net_connections(kind="tcp")
        if c.status == psutil.CONN_LISTEN and c.pid in pids
    }


@pytest.mark.slow
def test_every_server_listens_on_loopback_only(tmp_path, components):
    worker_logs, trigger_logs = free_port(), free_port()
    env = airflow_env(
        tmp_path,
        PATH=f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}",  # the venv running the tests
        AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(worker_logs),
        AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(trigger_logs),
    )
    group = components(env)
    process = group.start("airflow-standalone", "scripts/airflow.sh", "standalone")
    api_port = int(env["AIRFLOW__API__PORT"])
    wait_until(lambda: api_healthy(env), timeout=180, what="the API server", logs=group.logs)
    expected = {api_port, worker_logs, trigger_logs}
    wait_until(
        lambda: expected <= {port for _, port in listening(process.pid)},
        timeout=60,
        what="the log servers",
        logs=group.logs,
    )
    sockets = listening(process.pid)
    assert {address for address, _ in sockets} == {"127.0.0.1"}, sockets

    with urllib.request.urlopen(f"http://127.0.0.1:{api_port}/dags", timeout=10) as response:
        page = response.read().decode()
    assert """localStorage.setItem('timezone',"\\"Europe/Ljubljana\\"")""" in page
