"""Monday digests: build each firm's Excel digest for the week, then send them one at a time."""

from datetime import timedelta

from airflow.sdk import dag, task
from airflow.sdk.exceptions import AirflowFailException
from common import DAG_ARGS


# Tasks import the job layer when they run, so the scheduler parses this file without loading it.
@dag(
    schedule="0 7 * * 1",
    default_args={"retries": 3, "retry_delay": timedelta(minutes=15)},
    **DAG_ARGS,
)
def weekly_digests():
    # The week comes from the run's logical date, so a retry or re-run rebuilds the same week.
    @task
    def build(logical_date=None) -> dict:
        from fundscout.jobs import build_digests, iso_week

        return build_digests(iso_week(logical_date))

    # The outbox records each sent digest, so a retry sends only what is still unsent.
    @task(pool="smtp")
    def send(built: dict) -> dict:
        from fundscout.jobs import PermanentFailure, send_digests

        try:
            return send_digests(built["week"])
        except PermanentFailure as exc:  # SMTP or key not configured: a retry cannot help
            raise AirflowFailException(str(exc)) from exc

    send(build())


weekly_digests()
