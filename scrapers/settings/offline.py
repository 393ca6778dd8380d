"""Offline settings: the real spiders against the bundled sample site (or test fixtures) on loopback.

Everything that keeps a crawl safe stays on (robots.txt, allowed domains, size limits, handlers
off); only the waiting goes, so the demo and the crawl tests are fast.
"""

from scrapers.settings.base import *  # noqa: F403

AUTOTHROTTLE_ENABLED = False
DOWNLOAD_DELAY = 0
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_TIMEOUT = 3
DNS_TIMEOUT = 3
CLOSESPIDER_TIMEOUT = 120
LOG_LEVEL = "INFO"
