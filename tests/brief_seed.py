"""Small stores for the brief and review tests: calls, firms, domain labels and matches.

Rows go in through the real load step and models (the matcher's output is inserted as rows until
the matcher lands); the texts are written for the tests, modelled on Slovenian notices.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fundscout.db import session_scope
from fundscout.db.models import CallDomain, Firm, Match, utcnow
from fundscout.load import load_firms, load_records, validate_batch
from fundscout.records import FirmRecord
from matching.firms import firm_domains

TODAY = dt.date(2026, 11, 24)

DIGITAL_CALL: dict[str, Any] = {
    "id": "test-2026-digital",
    "url": "https://razpisi.example.si/razpis/digital",
    "source": "import",
    "title": "Javni razpis za digitalne storitve za občane",
    "publisher": "Ministrstvo za digitalno preobrazbo",
    "call_type": "javni_razpis",
    "programme_period": "2021-2027",
    "programme": "Program evropske kohezijske politike 2021–2027",
    "eu_funded": True,
    "funds": ["ERDF"],
    "deadlines": ["2027-01-15", "2027-04-15"],
    "budget_eur": 2000000.0,
    "cofinancing_rate": 80,
    "applicant_types": ["municipality", "sme"],
    "summary": "Sofinanciranje e-storitev in odprtih podatkov v občinah.",
    "domains": ["digital_platforms", "e_governance"],
    "evidence": {
        "budget_eur": "Skupna višina sredstev je 2.000.000,00 EUR.",
        "deadlines": "Vloge je treba oddati do 15. 1. 2027 oziroma do 15. 4. 2027.",
    },
}

MOBILITY_CALL: dict[str, Any] = {
    "id": "test-2026-mobility",
    "url": "https://razpisi.example.si/razpis/mobility",
    "source": "import",
    "title": "Javni razpis za trajnostno mobilnost v mestnih občinah",
    "publisher": "Ministrstvo za okolje, podnebje in energijo",
    "call_type": "javni_razpis",
    "programme_period": "2021-2027",
    "eu_funded": True,
    "funds": ["CF"],
    "deadlines": ["2026-12-10"],
    "budget_eur": 5000000.0,
    "applicant_types": ["municipality"],
    "domains": ["urban_mobility"],
}

FIRMS = [
    {
        "firm_id": "T01",
        "name": "Mestna občina Kranj",
        "legal_form": "občina",
        "size_class": "medium",
        "municipality": "Kranj",
        "nace_codes": ["84.110"],
        "description": "Mestna občina.",
        "interests": ["pametno mesto"],
        "email": "razpisi@kranj.example.org",
        "domains": ["e_governance", "urban_mobility"],
    },
    {
        "firm_id": "T02",
        "name": "Podatkovni most d.o.o.",
        "legal_form": "d.o.o.",
        "size_class": "small",
        "municipality": "Kranj",
        "nace_codes": ["62.010"],
        "description": "Spletne rešitve za javno upravo.",
        "interests": ["odprti podatki"],
        "email": "info@most.example.com",
        "domains": ["digital_platforms", "e_governance"],
    },
    {
        "firm_id": "T03",
        "name": "Kolo in pot d.o.o.",
        "legal_form": "d.o.o.",
        "size_class": "micro",
        "municipality": "Naklo",
        "nace_codes": ["49.310"],
        "description": "Prevozi in izposoja koles.",
        "interests": ["mobilnost"],
        "email": "info@kolo.example.com",
        "domains": ["urban_mobility"],
    },
]


def load_calls(database_url: str, *calls: dict[str, Any]) -> None:
    records = validate_batch(list(enumerate(calls, start=1)), "test")
    with session_scope(database_url) as session:
        load_records(session, records)


def seed_store(database_url: str, *calls: dict[str, Any]) -> None:
    """The given calls (default: digital and mobility), three firms, domains and matches, as the
    matcher would store them (classified domains, firm domains, scored pairs)."""
    load_calls(database_url, *(calls or (DIGITAL_CALL, MOBILITY_CALL)))
    now = utcnow()
    with session_scope(database_url) as session:
        load_firms(
            session, [FirmRecord(**{k: v for k, v in firm.items() if k != "domains"}) for firm in FIRMS], firm_domains
        )
        for firm in FIRMS:
            session.get(Firm, firm["firm_id"]).domains = firm["domains"]
        ids = [c["id"] for c in calls] if calls else [DIGITAL_CALL["id"], MOBILITY_CALL["id"]]
        for call_id in ids:
            mobility = "mobility" in call_id
            session.add(
                CallDomain(
                    call_id=call_id,
                    domain="urban_mobility" if mobility else "e_governance",
                    score=0.8 if mobility else 0.9,
                    evidence=[{"term": "trajnostna mobilnost", "where": "title", "count": 1}]
                    if mobility
                    else [
                        {"term": "e-storitve", "where": "summary", "count": 2},
                        {"term": "odprti podatki", "where": "summary", "count": 1},
                    ],
                    classified_at=now,
                )
            )
            for firm_id, score in (("T02", 85.0), ("T01", 70.0), ("T03", 40.0)):
                if mobility:
                    score -= 30
                session.add(
                    Match(
                        firm_id=firm_id,
                        call_id=call_id,
                        score=score,
                        eligible=firm_id != "T03",
                        reasons={"relevance": [f"ujemanje {firm_id}"]},
                        inputs_hash="test",
                        computed_at=now,
                    )
                )
