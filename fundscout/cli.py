"""The `fundscout` command line: every stage of the pipeline, without Airflow."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from fundscout.config import settings

app = typer.Typer(
    help="FundScout: EU funding calls for Kranj, pametno mesto — crawl, store, match, digest, brief, review.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2
EXIT_NOT_BUILT = 3
MAX_ERROR_LINES = 50


def _fail_input(errors: list) -> NoReturn:
    for error in errors[:MAX_ERROR_LINES]:
        typer.echo(f"error: {error}", err=True)
    if len(errors) > MAX_ERROR_LINES:
        typer.echo(f"error: … and {len(errors) - MAX_ERROR_LINES} more problems", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _not_built(stage: str) -> NoReturn:
    typer.echo(f"fundscout {stage}: this stage is not built yet; see the project's open issues.", err=True)
    raise typer.Exit(EXIT_NOT_BUILT)


@app.command()
def init() -> None:
    """Create or upgrade the database to the newest schema."""
    from fundscout.db import upgrade

    cfg = settings()
    cfg.home.mkdir(parents=True, exist_ok=True)
    upgrade(cfg.database_url)
    typer.echo(f"database ready: {cfg.database_url}")


@app.command("import-calls")
def import_calls(file: Annotated[Path, typer.Argument(help="JSONL of calls in the normalised schema.")]) -> None:
    """Load call records (JSONL); one bad row rejects the whole file and the store stays as it was."""
    from fundscout.db import upgrade
    from fundscout.load import InputError, import_calls_file

    cfg = settings()
    upgrade(cfg.database_url)
    try:
        report = import_calls_file(cfg.database_url, file)
    except InputError as exc:
        typer.echo(f"error: {file}: nothing was loaded; fix the rows below and run again.", err=True)
        _fail_input(exc.errors)
    typer.echo(f"{file}: {report}")


@app.command("import-firms")
def import_firms(file: Annotated[Path, typer.Argument(help="CSV of firms (see README for the columns).")]) -> None:
    """Load or refresh the firm registry; bad rows are reported and skipped, good rows load."""
    from fundscout.db import upgrade
    from fundscout.load import InputError, import_firms_file

    cfg = settings()
    upgrade(cfg.database_url)
    try:
        report = import_firms_file(cfg.database_url, file)
    except InputError as exc:
        _fail_input(exc.errors)
    typer.echo(f"{file}: {report}")
    if report.rejected:
        _fail_input(report.rejected)


@app.command()
def crawl(spiders: Annotated[list[str] | None, typer.Argument()] = None,
          offline: Annotated[bool, typer.Option(help="Crawl the bundled sample site on loopback.")] = False) -> None:
    """Run spiders and load what passes the gate."""
    _not_built("crawl")


@app.command()
def extract(input: Annotated[Path, typer.Option("--input", help="JSONL rows {id, url, text}.")],
            output: Annotated[Path, typer.Option("--output", help="JSONL: id, the fields and evidence.")]) -> None:
    """Notice text -> normalised fields (no database)."""
    from fundscout.load import InputError
    from scrapers.extract.cli import extract_file

    try:
        count = extract_file(input, output, progress=lambda line: typer.echo(line, err=True))
    except InputError as exc:
        _fail_input(exc.errors)
    typer.echo(f"{input}: {count} notices extracted -> {output}")


@app.command()
def classify(input: Annotated[Path, typer.Option("--input")], output: Annotated[Path, typer.Option("--output")]) -> None:
    """Notice text -> smart-city domains with evidence (no database)."""
    _not_built("classify")


@app.command()
def match() -> None:
    """Match calls to firms: eligibility and relevance with reasons."""
    _not_built("match")


@app.command()
def digest(week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W48.")],
           out: Annotated[Path | None, typer.Option(help="Folder for digests/*.xlsx and outbox/*.eml "
                                                         "(default: $FUNDSCOUT_HOME).")] = None,
           send: Annotated[bool, typer.Option(help="Send the e-mails through FUNDSCOUT_SMTP_URL "
                                                   "(each firm at most once a week).")] = False,
           lang: Annotated[str, typer.Option(help="sl or en.")] = "sl",
           min_score: Annotated[float, typer.Option(help="Lowest match score listed (0-100).")] = 30.0) -> None:
    """Build the weekly Excel digests and e-mails; without --send they are only written as files."""
    from fundscout.db import upgrade
    from fundscout.digest import run_weekly
    from fundscout.digest.links import has_stable_key

    cfg = settings()
    if send and not has_stable_key():
        _fail_input(["--send needs FUNDSCOUT_SECRET_KEY, so the unsubscribe links and returned "
                     "workbooks stay valid after this run"])
    upgrade(cfg.database_url)
    try:
        report = run_weekly(cfg.database_url, week, out_dir=out or cfg.home, send=send,
                            smtp_url=cfg.smtp_url, lang=lang, min_score=min_score)
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
    from fundscout.db import upgrade
    from fundscout.digest.feedback import FeedbackError, store_feedback

    cfg = settings()
    upgrade(cfg.database_url)
    try:
        report = store_feedback(cfg.database_url, file)
    except FeedbackError as exc:
        _fail_input([str(exc)])
    typer.echo(str(report))
    for problem in report.problems:
        typer.echo(f"warning: {problem}", err=True)


@app.command()
def unsubscribe(token: Annotated[str | None, typer.Argument(help="Token of an unsubscribe link.")] = None,
                firm: Annotated[str | None, typer.Option(help="Firm id, instead of a token.")] = None) -> None:
    """Stop a firm's weekly digests."""
    from fundscout.db import upgrade
    from fundscout.digest import BadToken, unsubscribe as unsubscribe_token, unsubscribe_firm

    if (token is None) == (firm is None):
        _fail_input(["give either an unsubscribe TOKEN or --firm ID"])
    cfg = settings()
    upgrade(cfg.database_url)
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
def briefs() -> None:
    """Draft project briefs for promising calls."""
    _not_built("briefs")


@app.command()
def serve() -> None:
    """Run the review web app."""
    _not_built("serve")


@app.command()
def evaluate(split: Annotated[Path, typer.Option("--split")]) -> None:
    """Quality report on a labelled split."""
    _not_built("evaluate")


@app.command()
def demo() -> None:
    """Whole pipeline on the bundled sample data, in an embedded SQLite store under $FUNDSCOUT_HOME/demo."""
    from fundscout.demo import run_demo

    for line in run_demo(settings()):
        typer.echo(line)


if __name__ == "__main__":
    app()
