"""Settings modules, chosen with SCRAPY_SETTINGS_MODULE: `base` (production), `offline` (sample site)."""
