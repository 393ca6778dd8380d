"""A small store for the finder, feeds, exports and firm self-service: calls in every status, with
provenance, history, several sources and domain evidence; dates count from the real today, as the
web app does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fundscout.db import session_scope
from fundscout.db.models import Call, CallDomain, CallHistory, CallSource, Firm, Match

TODAY = dt.date.today()
EARLIER = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
RECENT = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
HOSTILE_TITLE = '=HYPERLINK("http://evil.example/","klik") <script>alert(1)</script> platforma'


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


CALLS: dict[str, dict[str, Any]] = {
    "mob-open": {
        "title": "Javni razpis za pametno mobilnost v mestih",
        "summary": "Sofinanciranje sistemov izposoje koles in pametnih postajališč.",
        "publisher": "Ministrstvo za infrastrukturo",
        "deadlines": [day(20)],
        "budget_eur": 1_500_000.0,
        "funds": ["ERDF"],
        "programme_period": "2021-2027",
        "applicant_types": ["sme", "municipality"],
        "cohesion_regions": ["west"],
        "source": "evropska_sredstva",
        "domains": ["urban_mobility"],
        "seen": EARLIER,
        "updated": RECENT,
    },
    "health-open": {
        "title": "Javni poziv za digitalne storitve v zdravstvu",
        "summary": "Telemedicina in oskrba na daljavo za starejše.",
        "publisher": "Ministrstvo za zdravje",
        "deadlines": [day(45)],
        "budget_eur": 800_000.0,
        "funds": ["ESF+"],
        "programme_period": "2021-2027",
        "applicant_types": ["ngo"],
        "cohesion_regions": ["east"],
        "source": "gov_si",
        "domains": ["health"],
        "seen": RECENT,
        "updated": RECENT,
    },
    "energy-forth": {
        "title": "Napovedan poziv za energetsko prenovo javnih stavb",
        "publisher": "Eko sklad, j.s.",
        "deadlines": [day(80)],
        "opens_on": day(10),
        "programme_period": "national",
        "funds": [],
        "applicant_types": ["municipality"],
        "source": "eko_sklad",
        "domains": ["environment_energy"],
        "seen": RECENT,
        "updated": RECENT,
    },
    "old-closed": {
        "title": "Zaprt razpis za e-upravo iz prejšnjega obdobja",
        "publisher": "Služba za kohezijsko politiko",
        "deadlines": [day(-30)],
        "programme_period": "2014-2020",
        "funds": ["ERDF"],
        "applicant_types": ["municipality"],
        "source": "eu_skladi",
        "domains": ["e_governance"],
        "seen": EARLIER,
        "updated": EARLIER,
    },
    "hostile": {
        "title": HOSTILE_TITLE,
        "publisher": "Evropska komisija",
        "deadlines": [day(5), day(60)],
        "programme_period": "2021-2027",
        "funds": ["HORIZON"],
        "applicant_types": ["sme", "research_org"],
        "source": "eu_ft_portal",
        "domains": ["digital_platforms"],
        "seen": EARLIER,
        "updated": EARLIER,
    },
}

DEADLINE_SNIPPET = "Rok za oddajo vlog je 20 dni po objavi."


def seed_calls(url: str) -> None:
    with session_scope(url) as session:
        for call_id, spec in CALLS.items():
            page = f"https://www.example.si/razpisi/{call_id}"
            session.add(
                Call(
                    id=call_id,
                    url=page,
                    source=spec["source"],
                    title=spec["title"],
                    summary=spec.get("summary"),
                    publisher=spec.get("publisher"),
                    deadlines=spec["deadlines"],
                    opens_on=dt.date.fromisoformat(spec["opens_on"]) if "opens_on" in spec else None,
                    budget_eur=spec.get("budget_eur"),
                    funds=spec["funds"],
                    programme_period=spec["programme_period"],
                    applicant_types=spec["applicant_types"],
                    cohesion_regions=spec.get("cohesion_regions", []),
                    domains=spec["domains"],
                    provenance={
                        "deadlines": {"snippet": DEADLINE_SNIPPET, "url": page},
                        "title": {"snippet": spec["title"], "url": page},
                    },
                    content_hash=call_id,
                    first_seen_at=spec["seen"],
                    updated_at=spec["updated"],
                    last_seen_at=spec["updated"],
                )
            )
            session.add(
                CallSource(
                    call_id=call_id,
                    source=spec["source"],
                    url=page,
                    first_seen_at=spec["seen"],
                    last_seen_at=spec["updated"],
                )
            )
            for domain in spec["domains"]:
                session.add(
                    CallDomain(
                        call_id=call_id,
                        domain=domain,
                        score=0.8,
                        evidence=[{"term": "pametna mobilnost", "where": "title", "count": 2}],
                        classified_at=spec["seen"],
                    )
                )
        session.flush()
        session.add(
            CallSource(
                call_id="mob-open",
                source="uradni_list",
                url="https://www.uradni-list.si/glasilo-uradni-list-rs/vsebina/mob-open",
                first_seen_at=RECENT,
                last_seen_at=RECENT,
            )
        )
        session.add(
            CallHistory(
                call_id="mob-open",
                changed_at=RECENT,
                source="uradni_list",
                kind="amendment",
                diff={"deadlines": [[day(10)], [day(20)]], "budget_eur": [1_000_000.0, 1_500_000.0]},
            )
        )


def seed_firm_with_matches(url: str, firm_id: str = "F1", email: str = "f1@example.com") -> None:
    with session_scope(url) as session:
        session.add(
            Firm(
                firm_id=firm_id,
                name="Savski kod d.o.o.",
                legal_form="d.o.o.",
                size_class="small",
                municipality="Kranj",
                nace_codes=["62.010"],
                description="Spletne rešitve",
                interests=["mobilnost"],
                email=email,
                domains=["urban_mobility"],
                subscribed=True,
                content_hash="x",
                created_at=EARLIER,
                updated_at=EARLIER,
            )
        )
        session.flush()
        for call_id, score in (("mob-open", 82.0), ("hostile", 64.0), ("old-closed", 90.0)):
            session.add(
                Match(
                    firm_id=firm_id,
                    call_id=call_id,
                    score=score,
                    eligible=True,
                    reasons={"eligibility": ["Podjetje je MSP."], "relevance": [f"Tema ustreza ({call_id})."]},
                    inputs_hash="x",
                    computed_at=EARLIER,
                )
            )
