"""How the review app answers a page while a flood of bad logins is being checked (prints figures).

    .venv/bin/python benchmarks/login_flood.py [LOGINS]

Serves the app with uvicorn on a free loopback port (as `fundscout serve` does) on a temporary
SQLite store, sends LOGINS parallel logins with wrong passwords (each for another name, so every one
is checked by argon2), and meanwhile times GET /login, one request after another, until the checks
are done.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from fundscout.db import upgrade
from web.app import create_app, server_config

CSRF = 'name="csrf_token" value="'


async def flood(base: str, logins: int, app) -> None:
    checks = app.state.password_checks
    async with httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=logins + 10), timeout=120) as c:
        page = (await c.get("/login")).text
        token = page.split(CSRF, 1)[1].split('"', 1)[0]
        started = time.perf_counter()
        tasks = [
            asyncio.create_task(
                c.post("/login", data={"username": f"nobody{i}", "password": "wrong-password", "csrf_token": token})
            )
            for i in range(logins)
        ]
        while checks.waiting == 0:
            await asyncio.sleep(0.005)
        latencies = []
        async with httpx.AsyncClient(base_url=base, timeout=30) as other:
            while checks.waiting > 0:
                begin = time.perf_counter()
                (await other.get("/login")).raise_for_status()
                latencies.append(time.perf_counter() - begin)
                await asyncio.sleep(0.05)
        codes = [r.status_code for r in await asyncio.gather(*tasks)]
        total = time.perf_counter() - started
    print(f"logins={logins} flood_s={total:.2f} per_check_ms={total / logins * 1000:.0f} answers={codes.count(401)}")
    print(
        f"page_during_flood: requests={len(latencies)} median_ms={statistics.median(latencies) * 1000:.0f} "
        f"p95_ms={sorted(latencies)[int(len(latencies) * 0.95) - 1] * 1000:.0f} max_ms={max(latencies) * 1000:.0f}"
    )


def main(logins: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        app = create_app(url)
        server = uvicorn.Server(server_config(app, "127.0.0.1", 0, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            asyncio.run(flood(f"http://127.0.0.1:{port}", logins, app))
        finally:
            server.should_exit = True
            thread.join(timeout=10)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
