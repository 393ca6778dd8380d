"""Classify new and changed calls into domains and recompute the firm matches."""

import pendulum
from airflow.sdk import dag, task
from assets import CALLS, MATCHES


@dag(
    schedule=[CALLS],
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Ljubljana"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1},
    tags=["fundscout"],
)
def match_calls():
    @task(outlets=[MATCHES])
    def match() -> dict:
        from fundscout.jobs import match_store

        return match_store()

    match()


match_calls()
