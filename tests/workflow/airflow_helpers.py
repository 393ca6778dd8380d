"""Helpers for tests that run Airflow components as processes, set up by scripts/airflow_env.sh."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def airflow_env(home: Path, **settings: str) -> dict[str, str]:
    """The environment `scripts/airflow_env.sh` gives a deployment living in `home`, plus `settings`.

    The in-process settings of conftest.py are dropped first, so the script's own defaults apply.
    """
    base = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    base.update(FUNDSCOUT_HOME=str(home), AIRFLOW__API__PORT=str(free_port()), **settings)
    script = REPO / "scripts" / "airflow_env.sh"
    dump = subprocess.run(["bash", "-c", f'source "{script}" && env -0'], env=base, capture_output=True, check=True)
    return dict(entry.split("=", 1) for entry in dump.stdout.decode().split("\0") if entry)


def run_airflow(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    result = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


class Components:
    """Long-running Airflow processes started by a test, each in its own process group."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir, self.procs = env, log_dir, []

    def start(self, name: str, *command: str) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "w")  # closed with the process in stop()
        proc = subprocess.Popen(
            command, env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs.append((proc, log))
        return proc

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text()[-4000:]}" for path in sorted(self.log_dir.glob("*.log")))

    def stop(self) -> None:
        for proc, _ in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc, log in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            log.close()


def wait_until(check: Callable[[], bool], *, timeout: float, what: str, logs: Callable[[], str] = str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{logs()}")


def api_healthy(env: dict[str, str]) -> bool:
    url = f"http://127.0.0.1:{env['AIRFLOW__API__PORT']}/api/v2/monitor/health"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return json.load(response)["metadatabase"]["status"] == "healthy"
    except OSError:
        return False
