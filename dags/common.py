"""What the DAG files share: the assets that chain them and the settings every DAG takes."""

import pendulum
from airflow.sdk import Asset

LJUBLJANA = pendulum.timezone("Europe/Ljubljana")

# a crawl updates `calls`, matching updates `matches`
CALLS = Asset(name="calls", uri="fundscout://store/calls")
MATCHES = Asset(name="matches", uri="fundscout://store/matches")

# no backfill of missed runs, one run of a DAG at a time (each works on the whole store)
DAG_ARGS = {
    "start_date": pendulum.datetime(2026, 1, 5, tz=LJUBLJANA),
    "catchup": False,
    "max_active_runs": 1,
    "tags": ["fundscout"],
}
