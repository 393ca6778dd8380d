"""Daily crawl: one mapped task per spider, each a subprocess crawl loaded only if it passes the gate."""

from datetime import timedelta

from airflow.sdk import Param, dag, task
from airflow.sdk.exceptions import AirflowFailException
from common import CALLS, DAG_ARGS


# Tasks import the job layer when they run, so the scheduler parses this file without loading it.
@dag(
    schedule="30 5 * * *",
    params={"offline": Param(False, type="boolean", description="Crawl the bundled sample site")},
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10), "retry_exponential_backoff": True},
    **DAG_ARGS,
)
def crawl_calls():
    @task
    def list_spiders() -> list[str]:
        from fundscout.jobs import spider_names

        return spider_names()

    # Each source loads its own run, so a spider's success updates `calls` whatever the others do.
    # Each mapped task is labelled with its spider's name in the UI (not "Map Index 3").
    @task(outlets=[CALLS], execution_timeout=timedelta(minutes=40), map_index_template="{{ spider_name }}")
    def crawl(spider: str, params: dict | None = None) -> dict:
        from airflow.sdk import get_current_context

        from fundscout.jobs import PermanentFailure, crawl_source

        get_current_context()["spider_name"] = spider
        try:
            return crawl_source(spider, offline=params["offline"])
        except PermanentFailure as exc:  # e.g. the site was redesigned: fail now, without retries
            raise AirflowFailException(str(exc)) from exc

    crawl.expand(spider=list_spiders())


crawl_calls()
