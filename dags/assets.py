"""Assets that chain the DAGs: a crawl updates `calls`, matching updates `matches`."""

from airflow.sdk import Asset

CALLS = Asset(name="calls", uri="fundscout://store/calls")
MATCHES = Asset(name="matches", uri="fundscout://store/matches")
