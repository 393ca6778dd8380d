"""Soak test of the store on PostgreSQL: concurrent loaders, a matcher and digest builds, a kill.

    python benchmarks/soak.py --seconds 180 --loaders 4 --admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    python benchmarks/soak.py --seconds 20 --url postgresql+psycopg://…/an_empty_migrated_db   (tests)

Seeds a store with `--calls` calls and the sample firms, starts a loopback SMTP server, then runs
at once, each in a process of its own, until `--seconds` have passed:

- `--loaders` loaders, each loading batches of a random, overlapping, unsorted selection of the
  calls, every batch with a budget of its own, by `import-calls` or by the crawl path
  (`load_feed`), in turn;
- a matcher (`match_store`) in a loop, and two digest builders that send the same weeks;
- once, a loader killed (SIGKILL) half-way through a large batch it holds the store for.

Then it checks that every committed batch, and only those, is in each call's history, that each
history chain is exact (each old value is the previous new one, the first the seed, the last the
current value), that nothing of the killed batch is stored, and that no firm got a week's digest
twice. Prints `figures {...}` (batches, rows, conflicts retried, failures, ...) and `problems
[...]`; exits 1 when there is any problem. Loopback only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections import Counter, defaultdict
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from fundscout.config import DATA_DIR
from fundscout.db import engine_for, lock_for_load, run_load, session_scope, upgrade
from fundscout.db.models import Call, CallHistory
from fundscout.load import import_calls_file, load_feed, load_firms, load_records, read_firms_csv
from fundscout.records import CallRecord
from matching.firms import firm_domains
from matching.store import match_store
from reports.digest import run_weekly

SEED_BUDGET = 1.0
VICTIM_BUDGET = 9_999_999.0
# Weeks before the run's own: a digest lists the week's changes, and a soak changes each call
# hundreds of times in its week, which makes one build take minutes (and GBs) on its own.
WEEKS = ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]
TODAY = "2026-11-20"


def call_row(i: int, budget: float) -> dict:
    return {
        "id": f"soak-{i:05d}",
        "url": f"https://www.uradni-list.si/glasilo-uradni-list-rs/vsebina/soak{i}/",
        "source": "uradni_list",
        "title": f"Javni razpis za pametno mesto in e-storitve občin št. {i}",
        "publisher": "Ministrstvo za digitalno preobrazbo",
        "call_type": "javni_razpis",
        "programme_period": "2021-2027",
        "eu_funded": True,
        "funds": ["ERDF"],
        "deadlines": ["2027-03-31"],
        "budget_eur": budget,
        "applicant_types": ["municipality", "sme"],
        "text": "Sofinanciranje rešitev pametnega mesta: e-storitve za občane, odprti podatki, "
        "trajnostna mobilnost in energetska prenova javnih stavb v občinah.",
    }


def write_batch(path: Path, ids: list[int], budget: float) -> Path:
    path.write_text("".join(json.dumps(call_row(i, budget), ensure_ascii=False) + "\n" for i in ids), "utf-8")
    return path


def say(**event) -> None:
    print(json.dumps(event), flush=True)


def await_start(args) -> None:
    """Say the (slow) imports are done, then take the end of the run from the conductor."""
    say(kind="ready")
    args.until = float(sys.stdin.readline())


# --- roles, each run in a process of its own -----------------------------------------------------


def role_loader(args) -> None:

    rng, folder, batch = random.Random(args.id), Path(args.folder), 0
    await_start(args)
    while time.time() < args.until:
        batch += 1
        ids = rng.sample(range(args.calls), rng.randint(50, min(400, args.calls)))  # unsorted, overlapping
        budget = float(args.id * 1_000_000 + batch)  # a value no other batch writes
        path = write_batch(folder / f"loader{args.id}-{batch}.jsonl", ids, budget)
        crawl = batch % 2 == 0
        try:
            if crawl:  # a crawl's feed; run_load retries it as the runner's transaction would be retried
                report, retries = run_load(args.url, lambda session, p=path: load_feed(session, p))
            else:
                report = import_calls_file(args.url, path)
                retries = report.retries
        except Exception as exc:
            say(kind="failure", role="loader", error=f"{type(exc).__name__}: {str(exc)[:300]}")
            continue
        say(kind="batch", path="crawl" if crawl else "import", budget=budget, ids=ids, rows=report.received,
            changed=report.changed, retries=retries)  # fmt: skip
        path.unlink()


def role_victim(args) -> None:
    """A large batch that holds the store, reports half-way, and waits there to be killed."""

    records = [CallRecord.model_validate(call_row(i, VICTIM_BUDGET)) for i in range(args.calls)]
    half = len(records) // 2
    await_start(args)
    with session_scope(args.url) as session:
        lock_for_load(session)
        load_records(session, records[:half])
        say(kind="victim", state="half-way")
        time.sleep(600)
        load_records(session, records[half:])


def role_matcher(args) -> None:

    await_start(args)
    while time.time() < args.until:
        try:
            report = match_store(args.url, today=dt.date.fromisoformat(TODAY))
            say(kind="match", pairs=report.pairs_written)
        except Exception as exc:
            say(kind="failure", role="matcher", error=f"{type(exc).__name__}: {str(exc)[:300]}")


def role_digest(args) -> None:

    await_start(args)
    for week in WEEKS:
        while time.time() < args.until - (len(WEEKS) - WEEKS.index(week) - 1) * args.seconds / (len(WEEKS) + 1):
            time.sleep(0.2)
        try:
            report = run_weekly(args.url, week, out_dir=Path(args.folder) / f"digest{args.id}", send=True,
                                smtp_url=args.smtp, today=dt.date.fromisoformat(TODAY))  # fmt: skip
            say(kind="digest", week=week, sent=sorted(f for f, o in report.outcome.items() if o == "sent"))
        except Exception as exc:
            say(kind="failure", role="digest", error=f"{type(exc).__name__}: {str(exc)[:300]}")


ROLES = {"loader": role_loader, "victim": role_victim, "matcher": role_matcher, "digest": role_digest}


# --- the conductor ---------------------------------------------------------------------------------


def seed(url: str, calls: int, folder: Path) -> None:

    upgrade(url)
    with session_scope(url) as session:
        load_firms(session, read_firms_csv(DATA_DIR / "sample" / "firms.csv").firms, firm_domains)
    import_calls_file(url, write_batch(folder / "seed.jsonl", list(range(calls)), SEED_BUDGET))
    match_store(url, today=dt.date.fromisoformat(TODAY))  # matches to send before the first loads


def spawn(role: str, args, **extra) -> subprocess.Popen:
    """A role in a process of its own, its imports done (it has said it is ready)."""
    argv = [sys.executable, __file__, "--role", role, "--url", args.url, "--folder", args.folder,
            "--calls", str(args.calls), "--seconds", str(args.seconds)]  # fmt: skip
    for key, value in extra.items():
        argv += [f"--{key}", str(value)]
    process = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ | {"PYTHONPATH": str(ROOT)}
    )
    ready = process.stdout.readline()
    if '"ready"' not in ready:
        raise RuntimeError(f"{role} did not start: {ready!r} {process.communicate()[0][-2000:]}")
    return process


def start(processes: list[subprocess.Popen], until: float) -> None:
    for process in processes:
        process.stdin.write(f"{until}\n")
        process.stdin.close()


def events(process: subprocess.Popen) -> list[dict]:
    out = process.stdout.read()
    process.wait()
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def check(url: str, batches: list[dict], calls: int) -> tuple[list[str], int]:
    """Problems found in the store after the run, and how many history rows were checked."""

    problems: list[str] = []
    written = defaultdict(set)  # call id -> budgets of the committed batches that touched it
    for batch in batches:
        for i in batch["ids"]:
            written[f"soak-{i:05d}"].add(batch["budget"])
    with session_scope(url) as session:
        current = dict(session.execute(select(Call.id, Call.budget_eur)).all())
        chains = defaultdict(list)
        for row in session.scalars(select(CallHistory).order_by(CallHistory.id)):
            if "budget_eur" in row.diff:
                chains[row.call_id].append(row.diff["budget_eur"])
    for n in range(calls):
        cid = f"soak-{n:05d}"
        chain = chains.get(cid, [])
        values = [SEED_BUDGET] + [new for _, new in chain]
        if any(old != values[k] for k, (old, _) in enumerate(chain)):
            problems.append(f"{cid}: history does not chain: {chain[:6]}")
        if current.get(cid) != values[-1]:
            problems.append(f"{cid}: current budget {current.get(cid)} is not the last written {values[-1]}")
        if set(values[1:]) != written[cid]:
            problems.append(f"{cid}: history {sorted(set(values[1:]))[:5]} != committed {sorted(written[cid])[:5]}")
        if VICTIM_BUDGET in values:
            problems.append(f"{cid}: the killed batch's value is stored")
    return problems, sum(len(c) for c in chains.values())


def conduct(args) -> int:

    delivered: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            delivered.append(envelope.original_content or envelope.content)
            return "250 Message accepted"

    with socket.socket() as probe:  # a free loopback port (aiosmtpd cannot report one it picked)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(Handler(), hostname="127.0.0.1", port=port)
    smtp.start()
    args.smtp = f"smtp://127.0.0.1:{port}?from=razpisi@fundscout.example&timeout=10"
    started = time.time()
    seed(args.url, args.calls, Path(args.folder))
    workers = [spawn("loader", args, id=i + 1) for i in range(args.loaders)]
    workers += [spawn("matcher", args), spawn("digest", args, id=1, smtp=args.smtp)]
    workers += [spawn("digest", args, id=2, smtp=args.smtp)]
    victim = spawn("victim", args)
    until = time.time() + args.seconds
    start(workers, until)
    time.sleep(min(3.0, args.seconds / 4))
    start([victim], until)
    line = victim.stdout.readline()  # waits while the loads before it hold the store
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    found = [e for w in workers for e in events(w)]
    smtp.stop()
    batches = [e for e in found if e["kind"] == "batch"]
    failures = [e for e in found if e["kind"] == "failure"]
    problems, history_rows = check(args.url, batches, args.calls)
    if "half-way" not in line:
        problems.append(f"the victim did not reach half-way: {line!r}")
    weeks = Counter()
    for raw in delivered:
        message = email.message_from_bytes(raw, policy=policy.default)
        # A resend reuses the outbox's stored message, so its Message-ID repeats; a second digest
        # built for the same firm and week would repeat the workbook's name (firm and week in it).
        # A week with nothing new sends a note without a workbook: only its Message-ID counts.
        weeks[("message", message["Message-ID"])] += 1
        attachment = next((p.get_filename() for p in message.iter_attachments() if p.get_filename()), "")
        if attachment:
            weeks[(message["To"], attachment)] += 1
    twice = [key for key, n in weeks.items() if n > 1]
    if twice:
        problems.append(f"digests sent twice: {twice[:5]}")
    problems += [f"{f['role']} failed: {f['error']}" for f in failures]
    figures = {
        "seconds": round(time.time() - started, 1),
        "loaders": args.loaders,
        "batches": len(batches),
        "batches_by_path": dict(Counter(b["path"] for b in batches)),
        "rows": sum(b["rows"] for b in batches),
        "rows_changed": sum(b["changed"] for b in batches),
        "conflicts_retried": sum(b["retries"] for b in batches),
        "failures": len(failures),
        "killed_mid_batch": 1 if "half-way" in line else 0,
        "history_rows_checked": history_rows,
        "match_runs": sum(1 for e in found if e["kind"] == "match"),
        "digest_runs": sum(1 for e in found if e["kind"] == "digest"),
        "digests_sent": len(delivered),
        "digests_sent_twice": len(twice),
    }
    print("figures " + json.dumps(figures), flush=True)
    print("problems " + json.dumps(problems[:20]), flush=True)
    return 1 if problems else 0


ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--loaders", type=int, default=4)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--url", help="an empty PostgreSQL database to use (else one is made on --admin-url)")
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--role", choices=sorted(ROLES))
    parser.add_argument("--folder")
    parser.add_argument("--id", type=int, default=0)
    parser.add_argument("--smtp")
    args = parser.parse_args()
    os.environ.setdefault("FUNDSCOUT_SECRET_KEY", "soak-test-key")
    os.environ.setdefault("FUNDSCOUT_PUBLIC_URL", "http://127.0.0.1:8000")
    if args.role:
        try:
            ROLES[args.role](args)
        except Exception:
            say(kind="failure", role=args.role, error=traceback.format_exc()[-500:])
        return 0
    with tempfile.TemporaryDirectory() as folder:
        args.folder = folder
        os.environ["FUNDSCOUT_HOME"] = folder
        if args.url:
            return conduct(args)
        name = f"fundscout_soak_{uuid.uuid4().hex[:10]}"
        admin = create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        args.url = make_url(args.admin_url).set(database=name).render_as_string(hide_password=False)
        try:
            return conduct(args)
        finally:
            engine_for(args.url).dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    sys.exit(main())
