"""Item validation against the field dictionary, the same contract the load step enforces."""

from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from fundscout.records import validate_record

# Item keys that guide the load step but are not call fields (stripped before validation).
LINK_FIELDS = ("amends",)
# A call says when it closes or whether it is open through any of these (DeadlineOrStatusMonitor).
DEADLINE_OR_STATUS = ("deadlines", "until_funds_spent", "source_status")


class CallRecordPipeline:
    """Drop items that are not valid call records, counting the failures per field in the stats.

    The gate refuses a run when too many items were dropped, so a page that changed its layout
    (dates in a new format, a missing title) fails the run instead of loading half-read calls.
    """

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        data = {k: v for k, v in ItemAdapter(item).asdict().items() if k not in LINK_FIELDS}
        _record, errors = validate_record(data, data.get("source") or "crawl", 0)
        if errors:
            for error in errors:
                self.stats.inc_value(f"fundscout/invalid/{error.field or 'item'}")
            self.stats.inc_value("fundscout/invalid_items")
            raise DropItem(
                f"invalid call record {data.get('id')!r}: " + "; ".join(f"{e.field}: {e.message}" for e in errors)
            )
        if any(data.get(name) not in (None, [], "", False) for name in DEADLINE_OR_STATUS):
            self.stats.inc_value("fundscout/with_deadline_or_status")
        return item
