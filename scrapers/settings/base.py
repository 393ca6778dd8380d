"""Production settings: polite, safe, and strict about what counts as a good run.

Scrapy's own defaults favour reach over safety (no certificate checks, file:// and data: handlers,
a 1 GiB size limit, a telnet console); every such default is overridden here, each with its reason.
"""

from fundscout.config import CRAWL_TIMEOUT_SECONDS

BOT_NAME = "fundscout"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

# --- politeness ------------------------------------------------------------------------------
USER_AGENT = "FundScout/0.1 (funding-call tracker of Mestna obcina Kranj, Kranj, pametno mesto; +https://www.kranj.si)"
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# --- timeouts, retries, circuit breakers -----------------------------------------------------
DOWNLOAD_TIMEOUT = 30
DNS_TIMEOUT = 15
RETRY_ENABLED = True
RETRY_TIMES = 2
CLOSESPIDER_TIMEOUT = CRAWL_TIMEOUT_SECONDS
CLOSESPIDER_ERRORCOUNT = 20
# Pagination that loops or a redesign that yields pages without calls: stop after this many pages
# in a row produced no item.
CLOSESPIDER_PAGECOUNT_NO_ITEM = 25
DEPTH_LIMIT = 6
REDIRECT_MAX_TIMES = 5

# --- safety ----------------------------------------------------------------------------------
DOWNLOAD_VERIFY_CERTIFICATES = True
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- output ----------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # The offsite rule by scheme, host and port instead of Scrapy's by domain.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapers.middlewares.SameOriginMiddleware": 50,
    # Sees every download exception first (process_exception runs from the downloader outwards).
    "scrapers.middlewares.NetworkErrorStats": 870,
    # Scrapy's cache with a policy that revalidates every page and hides no failure.
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "scrapers.middlewares.HttpCache": 900,
    "scrapers.middlewares.Utf8FirstMiddleware": 950,
    # Closest to the network: record what it answered, or answer instead of it.
    "scrapers.middlewares.RecordResponses": 990,
    "scrapers.middlewares.ReplayResponses": 995,
}
SPIDER_MIDDLEWARES = {
    "scrapers.middlewares.IncrementalCrawl": 950,
}
ITEM_PIPELINES = {
    "scrapers.pipelines.CallRecordPipeline": 300,
}
EXTENSIONS = {
    "spidermon.contrib.scrapy.extensions.Spidermon": 500,
    # After spidermon, so the close monitors have run when the summary is written.
    "scrapers.extensions.RunSummary": 900,
    # Last: keeps the crawl state only if the summary passes the gate.
    "scrapers.extensions.CrawlState": 950,
}

# --- monitors (spidermon) and the gate's thresholds --------------------------------------------
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ("scrapers.monitors.CrawlMonitorSuite",)
SPIDERMON_MIN_ITEMS = 1  # calls read or known unchanged (CallCountMonitor)
SPIDERMON_EXPECTED_FINISH_REASONS = ["finished"]
# Transient server errors that a retry recovered are tolerated up to this many per run.
SPIDERMON_UNWANTED_HTTP_CODES_MAX_COUNT = 10
SPIDERMON_ADD_FIELD_COVERAGE = True
SPIDERMON_FIELD_COVERAGE_SKIP_IF_NO_ITEM = True
SPIDERMON_FIELD_COVERAGE_RULES = {"dict/title": 1.0, "dict/url": 1.0}
# Share of calls that must give a deadline, "until funds are spent" or the source's status.
FUNDSCOUT_MIN_DEADLINE_OR_STATUS = 0.9
# Share of items that fail validation above which the whole run is refused.
FUNDSCOUT_MAX_INVALID_SHARE = 0.1

# Offline mode maps each source's real origin (https://host) to a loopback origin: {host: origin}.
FUNDSCOUT_SITE_URLS: dict[str, str] = {}
# Where RunSummary writes run_summary.json; the runner sets it per run.
FUNDSCOUT_RUN_SUMMARY = ""

# --- incremental crawls ----------------------------------------------------------------------
# Crawl state (spider.crawl_state, the pages' memory): FUNDSCOUT_STATE_FILE, default
# $FUNDSCOUT_HOME/state/<spider>.json; the runner has it written to the run folder and promotes
# it after the load.
FUNDSCOUT_STATE_FILE = ""
FUNDSCOUT_STATE_SAVE_TO = ""
FUNDSCOUT_INCREMENTAL = True
FUNDSCOUT_RECHECK_DAYS = 7.0
# Stored copies of pages with validators (ETag / Last-Modified): each is revalidated with a
# conditional request (scrapers.middlewares.CachePolicy); the runner puts the folder in the home.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapers.middlewares.CachePolicy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
HTTPCACHE_GZIP = True
HTTPCACHE_EXPIRATION_SECS = 60 * 24 * 3600  # a copy unused for 60 days is fetched afresh
HTTPCACHE_IGNORE_HTTP_CODES = list(range(400, 600))

# --- record and replay (scrapers.middlewares docstring has the folder format) -------------------
FUNDSCOUT_RECORD_DIR = ""
FUNDSCOUT_REPLAY_DIR = ""
