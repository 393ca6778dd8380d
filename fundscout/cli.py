"""The `fundscout` command line: every stage of the pipeline, without Airflow."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer
import uvicorn
from sqlalchemy.exc import OperationalError

from fundscout.config import (
    BRIEF_MIN_SCORE,
    CRAWL_TIMEOUT_SECONDS,
    DIGEST_MIN_SCORE,
    Settings,
    display_url,
    has_stable_key,
    settings,
)
from fundscout.db import StoreBusy, upgrade
from fundscout.demo import run_demo
from fundscout.extract.cli import extract_file
from fundscout.load import InputError, import_calls_file, read_firms_csv
from matching.evaluate import evaluate_split, format_report
from matching.files import calls_from_notices, classify_file, match_file
from matching.firms import import_firms_file
from matching.learn import FOLDS, SEED, read_judgments, train_model
from matching.model import MODEL_PATH, write_model
from matching.profiles import entry_from_profile
from matching.store import match_store, stored_feedback
from reports.briefs import draft_briefs
from reports.digest import QUIET_WEEK_CHOICES, BadToken, run_weekly, set_quiet_week, unsubscribe_firm
from reports.digest import unsubscribe as unsubscribe_token
from reports.digest.feedback import FeedbackError, store_feedback
from reports.digest.links import sending_problems
from reports.digest.outbox import ReleaseError, outbox_report, outbox_rows, release
from reports.tables import FORMATS, TABLES, ExportError, export_table
from scrapers.runner import crawl as run_crawls
from scrapers.runner import source_states, spider_names
from web.app import create_app, server_config
from web.users import UserError, add_user

app = typer.Typer(
    help="FundScout: EU funding calls for Kranj, pametno mesto — crawl, store, match, digest, brief, review.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2
EXIT_STORE_BUSY = 3  # another load held the store too long; nothing was loaded, run again
MAX_ERROR_LINES = 50


def _fail_input(errors: list) -> NoReturn:
    for error in errors[:MAX_ERROR_LINES]:
        typer.echo(f"error: {error}", err=True)
    if len(errors) > MAX_ERROR_LINES:
        typer.echo(f"error: … and {len(errors) - MAX_ERROR_LINES} more problems", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _store() -> Settings:
    """Settings, with the home folder made and the store at the newest schema (commands that use it)."""
    cfg = settings()
    cfg.home.mkdir(parents=True, exist_ok=True)
    try:
        upgrade(cfg.database_url)
    except OperationalError as exc:  # the driver's reason, never the URL with its password
        typer.echo(f"error: cannot open the store {display_url(cfg.database_url)}: {exc.orig}".rstrip(), err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    return cfg


@app.command()
def init() -> None:
    """Create or upgrade the database to the newest schema."""
    cfg = _store()
    typer.echo(f"database ready: {display_url(cfg.database_url)}")


@app.command("import-calls")
def import_calls(file: Annotated[Path, typer.Argument(help="JSONL of calls in the normalised schema.")]) -> None:
    """Load call records (JSONL); one bad row rejects the whole file and the store stays as it was."""
    cfg = _store()
    try:
        report = import_calls_file(cfg.database_url, file)
    except InputError as exc:
        typer.echo(f"error: {file}: nothing was loaded; fix the rows below and run again.", err=True)
        _fail_input(exc.errors)
    except StoreBusy as exc:
        typer.echo(f"error: {file}: {exc}", err=True)
        raise typer.Exit(EXIT_STORE_BUSY) from None
    typer.echo(f"{file}: {report}")


@app.command("import-firms")
def import_firms(
    file: Annotated[Path, typer.Argument(help="CSV of firms, or the business register's export (see README).")],
) -> None:
    """Load or refresh the firm registry (the firm CSV, or the business register's export keyed by matična
    številka); bad rows are reported and skipped, good rows load."""
    cfg = _store()
    try:
        report = import_firms_file(cfg.database_url, file)
    except InputError as exc:
        _fail_input(exc.errors)
    except StoreBusy as exc:
        typer.echo(f"error: {file}: {exc}", err=True)
        raise typer.Exit(EXIT_STORE_BUSY) from None
    typer.echo(f"{file}: {report}")
    if report.rejected:
        _fail_input(report.rejected)


EXIT_CRAWL_FAILED = 1


@app.command()
def crawl(
    spiders: Annotated[list[str] | None, typer.Argument(help="Spider names (default: all).")] = None,
    offline: Annotated[bool, typer.Option(help="Crawl the bundled sample site on loopback.")] = False,
    record: Annotated[
        Path | None,
        typer.Option(
            "--record", help="Save every response of the crawl under DIR/<spider>/ (README, Record and replay)."
        ),
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option("--replay", help="Crawl from a folder saved by --record, with no network (default: its spiders)."),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds a crawl may run before it is stopped.")
    ] = CRAWL_TIMEOUT_SECONDS,
    since: Annotated[
        str | None,
        typer.Option(
            help="uradni_list: walk the gazette from this day (YYYY-MM-DD), resuming where the last such run "
            "stopped (a backfill in polite slices)."
        ),
    ] = None,
) -> None:
    """Run spiders and load what passes the gate; a failed run loads nothing and keeps the old data."""
    unknown = sorted(set(spiders or []) - set(spider_names()))
    if unknown:
        typer.echo(f"error: unknown spider(s) {', '.join(unknown)}; known: {', '.join(spider_names())}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    if since is not None:
        try:
            dt.date.fromisoformat(since)
        except ValueError:
            typer.echo(f"error: --since {since!r} is not a date YYYY-MM-DD", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        if spiders != ["uradni_list"]:
            typer.echo("error: --since applies to uradni_list only: `fundscout crawl uradni_list --since …`", err=True)
            raise typer.Exit(EXIT_BAD_INPUT)
    cfg = _store()
    try:
        outcomes = run_crawls(
            spiders or [],
            database_url=cfg.database_url,
            offline=offline,
            timeout=timeout,
            record=record,
            replay=replay,
            spider_args={"since": since} if since else None,
        )
    except ValueError as exc:  # a replay folder without recordings, --offline with --replay
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    for outcome in outcomes:
        typer.echo(str(outcome), err=outcome.verdict != "loaded")
    if any(o.verdict != "loaded" for o in outcomes):
        raise typer.Exit(EXIT_CRAWL_FAILED)


@app.command()
def sources() -> None:
    """Each source's state: last run, the kind of failure (network, http, layout, monitor, ...) and
    its reason, the last good run and its item count, calls seen there."""
    cfg = _store()
    typer.echo(
        f"{'source':<20} {'state':<10} {'failure':<8} {'last run (UTC)':<17} {'last good run':<17} "
        f"{'items':>5} {'calls':>5}  reason"
    )
    for s in source_states(cfg.database_url):
        typer.echo(
            f"{s.source:<20} {s.state:<10} {s.failure or '—':<8} {_minute(s.last_run_at):<17} "
            f"{_minute(s.last_good_at):<17} {s.last_good_items:>5} {s.calls:>5}  {s.last_reason or ''}"
        )


def _minute(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


@app.command()
def extract(
    input: Annotated[Path, typer.Option("--input", help="JSONL rows {id, url, text}.")],
    output: Annotated[Path, typer.Option("--output", help="JSONL: id, the fields and evidence.")],
) -> None:
    """Notice text -> normalised fields (no database)."""
    try:
        count = extract_file(input, output, progress=lambda line: typer.echo(line, err=True))
    except InputError as exc:
        _fail_input(exc.errors)
    typer.echo(f"{input}: {count} notices extracted -> {output}")


@app.command()
def classify(
    input: Annotated[Path, typer.Option("--input", help="JSONL rows {id, url, text}.")],
    output: Annotated[Path, typer.Option("--output", help="JSONL: id, domains, evidence.")],
) -> None:
    """Notice text -> smart-city domains with evidence (no database)."""
    try:
        count = classify_file(input, output)
    except InputError as exc:
        _fail_input(exc.errors)
    typer.echo(f"{input}: {count} notices classified -> {output}")


@app.command()
def match(
    input: Annotated[
        Path | None, typer.Option("--input", help="JSONL notices {id, url, text}; without it, the store.")
    ] = None,
    firms: Annotated[Path | None, typer.Option("--firms", help="Firm CSV (file mode).")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="JSONL of matches (file mode).")] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help="Keep the best K calls per firm.")] = None,
    include_closed: Annotated[bool, typer.Option("--include-closed", help="Treat closed calls as open.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the reasons: sl or en.")] = "sl",
) -> None:
    """Match calls to firms: eligibility and relevance, kept apart, each with reasons."""
    if lang not in ("sl", "en"):
        typer.echo(f"error: --lang must be sl or en, got {lang!r}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    if input is None and firms is None and output is None:
        cfg = _store()
        typer.echo(f"store: {match_store(cfg.database_url, lang=lang, include_closed=include_closed)}")
        return
    if input is None or firms is None or output is None:
        typer.echo(
            "error: file mode needs --input, --firms and --output together (or none of them to match the store)",
            err=True,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        summary = match_file(input, firms, output, top=top, include_closed=include_closed, lang=lang)
    except InputError as exc:
        _fail_input(exc.errors)
    typer.echo(f"{summary['calls']} calls x {summary['firms']} firms: {summary['rows']} matches -> {output}")
    if summary["rejected"]:
        for error in summary["rejected"][:MAX_ERROR_LINES]:
            typer.echo(f"error: {error}", err=True)


@app.command()
def digest(
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W48.")],
    out: Annotated[
        Path | None, typer.Option(help="Folder for digests/*.xlsx and outbox/*.eml (default: $FUNDSCOUT_HOME).")
    ] = None,
    send: Annotated[
        bool, typer.Option(help="Send the e-mails through FUNDSCOUT_SMTP_URL (each firm at most once a week).")
    ] = False,
    lang: Annotated[str, typer.Option(help="sl or en.")] = "sl",
    min_score: Annotated[float, typer.Option(help="Lowest match score listed (0-100).")] = DIGEST_MIN_SCORE,
) -> None:
    """Build the weekly Excel digests and e-mails; without --send they are only written as files.

    With --send, every pending e-mail of earlier weeks goes out first; `fundscout outbox` shows them."""
    if send and (problems := sending_problems()):
        _fail_input(problems)
    cfg = _store()
    try:
        report = run_weekly(
            cfg.database_url,
            week,
            out_dir=out or cfg.home,
            send=send,
            smtp_url=cfg.smtp_url,
            lang=lang,
            min_score=min_score,
        )
    except ValueError as exc:
        _fail_input([str(exc)])
    typer.echo(str(report))
    for reason in report.unsendable.values():
        typer.echo(f"warning: {reason}", err=True)
    for firm_id, status in sorted(report.outcome.items()):
        if status != "sent":
            typer.echo(f"  {firm_id}: {status}", err=True)
    for line in report.undelivered:
        typer.echo(f"  not yet delivered: {line}", err=True)


outbox_app = typer.Typer(help="The digest e-mails per week: pending, sending, sent, failed, unknown.")
app.add_typer(outbox_app, name="outbox")


@outbox_app.callback(invoke_without_command=True)
def outbox(
    ctx: typer.Context, week: Annotated[str | None, typer.Option(help="Only this ISO week, e.g. 2026-W48.")] = None
) -> None:
    """List the digest e-mails per week, and every one not sent with its Message-ID and reason."""
    if ctx.invoked_subcommand is not None:
        return
    rows = outbox_rows(_store().database_url, week)
    if not rows:
        typer.echo("the outbox is empty")
    for line in outbox_report(rows):
        typer.echo(line)


@outbox_app.command("release")
def outbox_release(
    row_id: Annotated[int, typer.Argument(help="Outbox row number (#N in `fundscout outbox`).")],
    delivered: Annotated[
        bool, typer.Option("--delivered", help="The mail log shows the server accepted it: mark it sent.")
    ] = False,
) -> None:
    """Release an e-mail left sending, unknown or failed, after checking the mail log for its
    Message-ID: back to pending (the next `digest --send` sends it), or --delivered."""
    try:
        row = release(_store().database_url, row_id, delivered=delivered)
    except ReleaseError as exc:
        _fail_input([str(exc)])
    typer.echo(f"#{row.id} {row.week} {row.firm_id}: {row.status}")


@app.command("weekly-mail")
def weekly_mail(
    firm: Annotated[str, typer.Argument(help="Firm id.")],
    nothing_new: Annotated[
        str, typer.Option(help="In a week with nothing new: 'digest' (the workbook all the same) or 'note'.")
    ],
) -> None:
    """Choose what a firm gets in a week when nothing new fits it (it always hears from us)."""
    if nothing_new not in QUIET_WEEK_CHOICES:
        _fail_input([f"--nothing-new {nothing_new!r}: use one of {', '.join(QUIET_WEEK_CHOICES)}"])
    if not set_quiet_week(_store().database_url, firm, nothing_new):
        _fail_input([f"firm {firm!r} is not in the store"])
    typer.echo(f"firm {firm}: in a week with nothing new it gets a {nothing_new}")


@app.command()
def feedback(file: Annotated[Path, typer.Argument(help="A digest workbook a firm sent back.")]) -> None:
    """Store a firm's responses (zanima nas / ni relevantno / prijavljamo se) for its future matches."""
    cfg = _store()
    try:
        report = store_feedback(cfg.database_url, file)
    except FeedbackError as exc:
        _fail_input([str(exc)])
    typer.echo(str(report))
    for problem in report.problems:
        typer.echo(f"warning: {problem}", err=True)


@app.command()
def unsubscribe(
    token: Annotated[str | None, typer.Argument(help="Token of an unsubscribe link.")] = None,
    firm: Annotated[str | None, typer.Option(help="Firm id, instead of a token.")] = None,
) -> None:
    """Stop a firm's weekly digests."""
    if (token is None) == (firm is None):
        _fail_input(["give either an unsubscribe TOKEN or --firm ID"])
    cfg = _store()
    if firm is not None:
        if not unsubscribe_firm(cfg.database_url, firm):
            _fail_input([f"firm {firm!r} is not in the store"])
        firm_id = firm
    else:
        try:
            firm_id = unsubscribe_token(cfg.database_url, token)
        except (BadToken, LookupError) as exc:
            _fail_input([str(exc)])
    typer.echo(f"firm {firm_id} unsubscribed: it gets no more digests")


@app.command()
def briefs(
    min_score: Annotated[
        float, typer.Option(help="Lowest best firm-match score (0–100) of a promising call.")
    ] = BRIEF_MIN_SCORE,
    min_fit: Annotated[
        float, typer.Option(help="Lowest best smart-city domain score (0–1) of a promising call.")
    ] = 0.0,
    lang: Annotated[str, typer.Option(help="Language of the briefs: sl or en.")] = "sl",
    out: Annotated[
        Path | None, typer.Option(help="Folder for the .md/.html/.docx files [default: $FUNDSCOUT_HOME/briefs].")
    ] = None,
    call: Annotated[
        list[str] | None, typer.Option("--call", help="Also draft a brief for this call id (repeatable).")
    ] = None,
) -> None:
    """Draft project briefs for promising calls (stored for review and written as files)."""
    if lang not in ("sl", "en"):
        _fail_input([f"--lang: unknown language {lang!r}; use sl or en"])
    cfg = _store()
    try:
        drafted = draft_briefs(
            cfg.database_url,
            min_score=min_score,
            min_fit=min_fit,
            lang=lang,
            out_dir=out or cfg.home / "briefs",
            call_ids=call or [],
        )
    except LookupError as exc:
        _fail_input([f"--call: {exc.args[0]}"])
    for brief in drafted:
        typer.echo(str(brief))
    typer.echo(f"{len(drafted)} briefs drafted (min score {min_score:g}, language {lang})")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Run the review web app (log in with a user from `fundscout user add`); needs FUNDSCOUT_SECRET_KEY."""
    if not has_stable_key():
        # The app serves the digests' unsubscribe links: without the key that signed them, none would work.
        _fail_input(
            [
                "FUNDSCOUT_SECRET_KEY is not set: the app checks the unsubscribe links of sent digests "
                "and signs sessions with it; set the same key the digests were sent with"
            ]
        )
    cfg = _store()
    uvicorn.Server(server_config(create_app(cfg.database_url), host, port)).run()


user_app = typer.Typer(help="Users of the review web app.", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    display_name: Annotated[str | None, typer.Option(help="Name shown in the app [default: USERNAME].")] = None,
) -> None:
    """Add a user, or set a new password for an existing one (password from FUNDSCOUT_USER_PASSWORD or a prompt)."""
    password = os.environ.get("FUNDSCOUT_USER_PASSWORD") or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    cfg = _store()
    try:
        created = add_user(cfg.database_url, username, password, display_name=display_name)
    except UserError as exc:
        _fail_input([str(exc)])
    typer.echo(f"user {username!r} {'added' if created else 'updated'}")


@app.command()
def evaluate(
    split: Annotated[Path, typer.Option("--split", help="Labelled split: notices.jsonl, judgments.jsonl.")],
    firms: Annotated[Path | None, typer.Option("--firms", help="Firm CSV (default: ../firms.csv).")] = None,
    folds: Annotated[
        int,
        typer.Option(
            "--folds",
            min=1,
            help="Cross-validation folds over notices (seeded); the ranking model is refitted on the other "
            "folds for each. 1: the whole split once, with the model file as it is (in-sample if it was "
            "trained on this split).",
        ),
    ] = FOLDS,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the fold assignment.")] = SEED,
    model: Annotated[
        Path | None, typer.Option("--model", help="Ranking model file [default: data/models/ranking.json].")
    ] = None,
    feedback: Annotated[
        bool, typer.Option("--feedback", help="Also refit with the firms' digest responses in the store, to compare.")
    ] = False,
) -> None:
    """Quality report on a labelled split: extraction, domains and ranking, each beside its baselines
    (mean ± sd over cross-validation folds)."""
    if not (split / "notices.jsonl").exists():
        typer.echo(f"error: {split}: no notices.jsonl in this directory", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    responses = stored_feedback(_store().database_url) if feedback else None
    try:
        report = evaluate_split(split, firms, folds=folds, seed=seed, model_path=model, feedback=responses)
    except InputError as exc:
        _fail_input(exc.errors)
    for line in format_report(report):
        typer.echo(line)


@app.command()
def train(
    split: Annotated[Path, typer.Option("--split", help="Labelled split: notices.jsonl, judgments.jsonl.")] = Path(
        "../shared/eval/dev"
    ),
    firms: Annotated[Path | None, typer.Option("--firms", help="Firm CSV (default: SPLIT/../firms.csv).")] = None,
    output: Annotated[Path, typer.Option("--output", help="Model file to write.")] = MODEL_PATH,
    date: Annotated[
        str | None, typer.Option("--date", help="Date recorded and used for eligibility (ISO) [default: today].")
    ] = None,
    folds: Annotated[int, typer.Option("--folds", min=2, help="CV folds for choosing the model.")] = FOLDS,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the fold assignment.")] = SEED,
    feedback: Annotated[
        bool,
        typer.Option(
            "--feedback",
            help="Add the firms' digest responses in the store (prijavljamo se 3, zanima nas 2, ni relevantno 0) "
            "to the training pairs; the model file records how many.",
        ),
    ] = False,
) -> None:
    """Fit the ranking model on graded judgments and write the model file (weights and counts, no text).

    The candidate with the best cross-validated nDCG@5 is refitted on the whole split. The shipped
    data/models/ranking.json is reproduced, byte for byte, from the repository root by:

    fundscout train --split ../shared/eval/dev --firms ../shared/eval/firms.csv --date 2026-12-01
    --output data/models/ranking.json
    """
    notices = split / "notices.jsonl"
    judgments = split / "judgments.jsonl"
    firms = firms or split.parent / "firms.csv"
    missing = [str(p) for p in (notices, judgments, firms) if not p.exists()]
    if missing:
        _fail_input([f"{p}: not found" for p in missing])
    try:
        today = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        _fail_input([f"--date: not an ISO date: {date!r}"])
    try:
        calls = calls_from_notices(notices)
        parsed = read_firms_csv(firms)
    except InputError as exc:
        _fail_input(exc.errors)
    entries = [entry_from_profile(p) for p in parsed.firms]
    judged = read_judgments(judgments, {c.call_id for c in calls})
    responses = stored_feedback(_store().database_url) if feedback else None
    model = train_model(
        entries, calls, judged, today, split_name=split.resolve().name, folds=folds, seed=seed, feedback=responses
    )
    write_model(model, output)
    cv = model.meta["cv"]["candidates"]
    for name, value in cv.items():
        typer.echo(f"{name:<16} CV nDCG@5 {value['mean']:.3f} ± {value['sd']:.3f}")
    typer.echo(f"chosen {model.kind} -> {output}")


@app.command()
def export(
    table: Annotated[str, typer.Argument(help=f"What to export: {', '.join(TABLES)}.")],
    fmt: Annotated[str, typer.Option("--format", help=f"File format: {', '.join(FORMATS)}.")] = "csv",
    output: Annotated[Path | None, typer.Option(help="File to write [default: TABLE.FORMAT here].")] = None,
    where: Annotated[
        str | None,
        typer.Option(help="pandas expression choosing rows, e.g. \"status == 'open' and budget_eur > 1e6\"."),
    ] = None,
) -> None:
    """Export calls, matches or firms for analysis (CSV and XLSX: lists joined with "; "; Parquet keeps types)."""
    cfg = _store()
    target = output or Path(f"{table}.{fmt}")
    try:
        rows = export_table(
            cfg.database_url, table, fmt, target, where=where, today=dt.datetime.now(cfg.timezone).date()
        )
    except ExportError as exc:
        _fail_input([str(exc)])
    typer.echo(f"{rows} {table} -> {target}")


@app.command()
def demo() -> None:
    """Whole pipeline on the bundled sample data, in an embedded SQLite store under $FUNDSCOUT_HOME/demo."""
    for line in run_demo(settings()):
        typer.echo(line)


if __name__ == "__main__":
    app()
