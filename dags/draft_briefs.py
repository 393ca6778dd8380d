"""Draft briefs for new promising calls into the working group's review queue."""

import pendulum
from airflow.sdk import dag, task
from assets import MATCHES


@dag(
    schedule=[MATCHES],
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Ljubljana"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1},
    tags=["fundscout"],
)
def draft_briefs():
    @task
    def draft() -> dict:
        from fundscout.jobs import draft_review_briefs

        return draft_review_briefs()

    draft()


draft_briefs()
