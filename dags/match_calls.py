"""Classify new and changed calls into domains and recompute the firm matches."""

from airflow.sdk import dag, task
from airflow.sdk.exceptions import AirflowFailException
from common import CALLS, DAG_ARGS, MATCHES


# Tasks import the job layer when they run, so the scheduler parses this file without loading it.
@dag(
    schedule=[CALLS],
    default_args={"retries": 1},
    **DAG_ARGS,
)
def match_calls():
    @task(outlets=[MATCHES])
    def match() -> dict:
        from fundscout.jobs import PermanentFailure, match_store

        try:
            return match_store()
        except PermanentFailure as exc:  # e.g. no firms in the registry: fail loudly, without retries
            raise AirflowFailException(str(exc)) from exc

    match()


match_calls()
