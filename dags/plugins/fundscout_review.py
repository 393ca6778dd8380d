"""The working group's review app inside the Airflow UI: mounted at /review, linked from the nav bar.

The app keeps its own login (working-group accounts are not Airflow users); Airflow only hosts it.
"""

from airflow.plugins_manager import AirflowPlugin

from fundscout.config import settings
from web.app import create_app

REVIEW_PREFIX = "/review"


class FundScoutReviewPlugin(AirflowPlugin):
    name = "fundscout_review"
    fastapi_apps = [
        {"app": create_app(settings().database_url), "url_prefix": REVIEW_PREFIX, "name": "FundScout review"}
    ]
    # Shown in an iframe at /plugin/review; a relative href keeps it working behind a proxy prefix.
    external_views = [{"name": "Review briefs", "href": "review/", "destination": "nav", "url_route": "review"}]
