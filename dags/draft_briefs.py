"""Draft briefs for new promising calls into the working group's review queue."""

from airflow.sdk import dag, task
from airflow.sdk.exceptions import AirflowFailException
from common import DAG_ARGS, MATCHES


# Tasks import the job layer when they run, so the scheduler parses this file without loading it.
@dag(
    schedule=[MATCHES],
    default_args={"retries": 1},
    **DAG_ARGS,
)
def draft_briefs():
    @task
    def draft() -> dict:
        from fundscout.jobs import PermanentFailure, draft_review_briefs

        try:
            return draft_review_briefs()
        except PermanentFailure as exc:  # e.g. no firms in the registry: fail loudly, without retries
            raise AirflowFailException(str(exc)) from exc

    draft()


draft_briefs()
