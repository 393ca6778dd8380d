"""The `fundscout` command line: every stage of the pipeline, without Airflow."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer
import uvicorn

from fundscout.config import (
    BRIEF_MIN_SCORE,
    CRAWL_TIMEOUT_SECONDS,
    DIGEST_MIN_SCORE,
    Settings,
    has_stable_key,
    settings,
)
from fundscout.db import upgrade
from fundscout.demo import run_demo
from fundscout.extract.cli import extract_file
from fundscout.load import InputError, import_calls_file, read_firms_csv
from matching.evaluate import evaluate_split, format_report
from matching.files import calls_from_notices, classify_file, match_file
from matching.firms import import_firms_file
from matching.learn import FOLDS, SEED, read_judgments, train_model
from matching.model import MODEL_PATH, write_model
from matching.profiles import entry_from_profile
from matching.store import match_store
from reports.briefs import draft_briefs
from reports.digest import BadToken, run_weekly, unsubscribe_firm
from reports.digest import unsubscribe as unsubscribe_token
from reports.digest.feedback import FeedbackError, store_feedback
from reports.tables import FORMATS, TABLES, ExportError, export_table
from scrapers.runner import crawl as run_crawls
from scrapers.runner import source_states, spider_names
from web.app import create_app
from web.users import UserError, add_user

app = typer.Typer(
    help="FundScout: EU funding calls for Kranj, pametno mesto — crawl, store, match, digest, brief, review.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2
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
    upgrade(cfg.database_url)
    return cfg


@app.command()
def init() -> None:
    """Create or upgrade the database to the newest schema."""
    cfg = _store()
    typer.echo(f"database ready: {cfg.database_url}")


@app.command("import-calls")
def import_calls(file: Annotated[Path, typer.Argument(help="JSONL of calls in the normalised schema.")]) -> None:
    """Load call records (JSONL); one bad row rejects the whole file and the store stays as it was."""
    cfg = _store()
    try:
        report = import_calls_file(cfg.database_url, file)
    except InputError as exc:
        typer.echo(f"error: {file}: nothing was loaded; fix the rows below and run again.", err=True)
        _fail_input(exc.errors)
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
    typer.echo(f"{file}: {report}")
    if report.rejected:
        _fail_input(report.rejected)


EXIT_CRAWL_FAILED = 1


@app.command()
def crawl(
    spiders: Annotated[list[str] | None, typer.Argument(help="Spider names (default: all).")] = None,
    offline: Annotated[bool, typer.Option(help="Crawl the bundled sample site on loopback.")] = False,
    timeout: Annotated[
        float, typer.Option(help="Seconds a crawl may run before it is stopped.")
    ] = CRAWL_TIMEOUT_SECONDS,
) -> None:
    """Run spiders and load what passes the gate; a failed run loads nothing and keeps the old data."""
    unknown = sorted(set(spiders or []) - set(spider_names()))
    if unknown:
        typer.echo(f"error: unknown spider(s) {', '.join(unknown)}; known: {', '.join(spider_names())}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    cfg = _store()
    outcomes = run_crawls(spiders or [], database_url=cfg.database_url, offline=offline, timeout=timeout)
    for outcome in outcomes:
        typer.echo(str(outcome), err=outcome.verdict != "loaded")
    if any(o.verdict != "loaded" for o in outcomes):
        raise typer.Exit(EXIT_CRAWL_FAILED)


@app.command()
def sources() -> None:
    """Each source's state: last run and its verdict, last good run, calls seen there."""
    cfg = _store()
    typer.echo(
        f"{'source':<20} {'state':<10} {'last run (UTC)':<17} {'last good run':<17} {'items':>5} {'calls':>5}  reason"
    )
    for s in source_states(cfg.database_url):
        typer.echo(
            f"{s.source:<20} {s.state:<10} {_minute(s.last_run_at):<17} {_minute(s.last_good_at):<17} "
            f"{s.last_good_items:>5} {s.calls:>5}  {s.last_reason or ''}"
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
    """Build the weekly Excel digests and e-mails; without --send they are only written as files."""
    if send and not has_stable_key():
        _fail_input(
            [
                "--send needs FUNDSCOUT_SECRET_KEY, so the unsubscribe links and returned "
                "workbooks stay valid after this run"
            ]
        )
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
    """Run the review web app (log in with a user from `fundscout user add`)."""
    cfg = _store()
    uvicorn.run(create_app(cfg.database_url), host=host, port=port)


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
) -> None:
    """Quality report on a labelled split: extraction, domains and ranking, each beside its baselines
    (mean ± sd over cross-validation folds)."""
    if not (split / "notices.jsonl").exists():
        typer.echo(f"error: {split}: no notices.jsonl in this directory", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        report = evaluate_split(split, firms, folds=folds, seed=seed, model_path=model)
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
    model = train_model(entries, calls, judged, today, split_name=split.resolve().name, folds=folds, seed=seed)
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
