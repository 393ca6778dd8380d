"""The Scrapy project: one spider per source on a shared base, a validation pipeline, a run-summary
extension, spidermon monitors, and the subprocess runner that gates each run before loading it.

Only this package imports Scrapy; `runner` and `sample_site` stay Scrapy-free so the CLI
and Airflow can call them.
"""
