"""The brief context: every fact a brief shows, read from the store and formatted for one language.

The context is plain data (strings, numbers, lists, dicts). Rendering (``render.py``) only lays it
out, so Markdown, HTML and DOCX say the same thing. Scraped strings stay values here; they are
escaped by each renderer and never become template source.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundscout.db.models import Call, CallDomain, CallHistory
from fundscout.fields import DOMAINS, FIELDS_BY_NAME, GLANCE_FIELDS, PROGRAMME_PERIODS, vocabulary_label
from fundscout.reference import domain_s4_areas, s4_area_names
from fundscout.status import CallDates, call_status, deadline_to_show, is_open
from reports.briefs.consortium import suggest_consortium
from reports.briefs.i18n import TEXT, check_lang, format_date, format_eur, format_percent

# A brief sketches one typical project; the working group corrects the figure in review.
ASSUMED_PROJECT_EUR = 500_000.0
# EU share of the public funding, by fund first and then by period (Kranj: Western cohesion region,
# a "more developed" region in 2021–2027). Funds paid directly by the Commission have no national share.
EU_SHARE_BY_FUND = {"HORIZON": 1.0, "LIFE": 1.0, "CF": 0.85, "INTERREG": 0.80}
EU_SHARE_BY_PERIOD = {"2021-2027": 0.40, "2014-2020": 0.80, "2007-2013": 0.85}
# Calendar days before the deadline by which each step of the application is due.
TIMELINE_STEPS = (("step_letters", 35), ("step_draft", 21), ("step_review", 7), ("step_submit", 0))
MIN_DAYS_TO_PREPARE = 30


def build_context(session: Session, call_id: str, lang: str = "sl", *, today: dt.date | None = None) -> dict[str, Any]:
    """Everything one brief shows, in `lang`. Raises LookupError for an unknown call."""
    check_lang(lang)
    call = session.get(Call, call_id)
    if call is None:
        raise LookupError(f"no call with id {call_id!r} in the store")
    today = today or dt.date.today()
    t = TEXT[lang]
    dates = CallDates.of(call)
    consortium = _consortium(session, call, lang)
    fit = _domains(session, call, lang)
    amendments = (
        session.scalar(
            select(func.count())
            .select_from(CallHistory)
            .where(CallHistory.call_id == call.id, CallHistory.kind == "amendment")
        )
        or 0
    )
    return {
        "lang": lang,
        "t": t,
        "call": {"id": call.id, "title": call.title, "url": call.url, "summary": call.summary},
        "drafted_on": format_date(today, lang),
        "facts": [_fact(call, name, lang, today) for name in GLANCE_FIELDS],
        "domains": fit,
        "s4_areas": _s4_areas([d["code"] for d in fit], lang),
        "consortium": consortium,
        "budget": _budget(call, lang),
        "timeline": _timeline(dates, today, lang),
        "checklist": _checklist(call, dates, today, lang),
        "risks": _risks(call, dates, today, lang, has_partners=bool(consortium), amendments=amendments),
    }


def _days_left_text(deadline: dt.date, today: dt.date, lang: str) -> str:
    t = TEXT[lang]
    days = (deadline - today).days
    if days == 0:
        return t["deadline_today"]
    return t["deadline_days"].format(days=days) if days > 0 else t["deadline_past"].format(days=-days)


def _fact_value(call: Call, name: str, lang: str, today: dt.date) -> str | None:
    value = getattr(call, name)
    if name == "deadlines":
        dates = [dt.date.fromisoformat(d) for d in sorted(value or [])]
        parts = [f"{format_date(d, lang)} ({_days_left_text(d, today, lang)})" for d in dates]
        if call.until_funds_spent:
            parts.append(TEXT[lang]["until_funds_spent"])
        return "; ".join(parts) or None
    if value is None or value == []:
        return None
    if name == "budget_eur":
        return format_eur(value, lang)
    if name == "cofinancing_rate":
        return format_percent(value, lang)
    field = FIELDS_BY_NAME[name]
    if field.kind == "code":
        return vocabulary_label(field.values, value, lang)
    if field.kind == "codes":
        return ", ".join(vocabulary_label(field.values, code, lang) for code in value)
    return str(value)


def _fact(call: Call, name: str, lang: str, today: dt.date) -> dict[str, Any]:
    """One fact with the page it came from and, when the extractor kept it, the snippet."""
    source = (call.provenance or {}).get(name) or {}
    return {
        "label": FIELDS_BY_NAME[name].label(lang),
        "value": _fact_value(call, name, lang, today),
        "url": source.get("url") or call.url,
        "snippet": source.get("snippet"),
    }


def _evidence_text(evidence: Any) -> str:
    """The classifier's evidence ({term, where, count} per matched term) as one line."""
    parts = []
    for item in evidence or []:
        if isinstance(item, dict):
            count = item.get("count") or 1
            parts.append(f"{item.get('term', '')}" + (f" ×{count}" if count > 1 else ""))
        else:
            parts.append(str(item))
    return "; ".join(p for p in parts if p)


def _domains(session: Session, call: Call, lang: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(CallDomain).where(CallDomain.call_id == call.id).order_by(CallDomain.score.desc(), CallDomain.domain)
    ).all()
    if rows:
        return [
            {
                "code": r.domain,
                "label": vocabulary_label(DOMAINS, r.domain, lang),
                "score": f"{r.score:.2f}",
                "evidence": _evidence_text(r.evidence),
            }
            for r in rows
        ]
    # Domains given with the record (import) but not classified: no score, no evidence.
    return [
        {"code": code, "label": vocabulary_label(DOMAINS, code, lang), "score": None, "evidence": ""}
        for code in call.domains or []
    ]


def _s4_areas(domain_codes: list[str], lang: str) -> list[str]:
    """S4 areas the call's domains belong to (data/reference/taxonomy.yaml), e.g. `S4.1.1 Pametna mesta …`."""
    names = s4_area_names()
    codes = sorted({s4 for code in domain_codes for s4 in domain_s4_areas(code)})
    return [f"{code} {names[code][0] if lang == 'sl' else names[code][1]}" for code in codes]


def _consortium(session: Session, call: Call, lang: str) -> list[dict[str, Any]]:
    """Lead first, then partners, as the matcher suggests them from the stored matches."""
    roles = {"lead": TEXT[lang]["role_lead"], "partner": TEXT[lang]["role_partner"]}
    return [
        {
            "name": m["name"],
            "role": roles.get(m["role"], m["role"]),
            "domains": ", ".join(vocabulary_label(DOMAINS, d, lang) for d in m.get("domains") or []),
            "reason": m.get("reason") or "",
        }
        for m in suggest_consortium(session, call.id, lang)
    ]


def _eu_share(call: Call) -> tuple[float, str] | None:
    if call.programme_period == "national" or call.eu_funded is False:
        return 0.0, "basis_national"
    for fund in call.funds or []:
        if fund in EU_SHARE_BY_FUND:
            return EU_SHARE_BY_FUND[fund], "basis_period"
    if call.programme_period == "2021-2027":
        return EU_SHARE_BY_PERIOD["2021-2027"], "basis_west"
    if call.programme_period in EU_SHARE_BY_PERIOD:
        return EU_SHARE_BY_PERIOD[call.programme_period], "basis_period"
    return None


def _budget(call: Call, lang: str) -> dict[str, str] | None:
    share = _eu_share(call)
    if call.cofinancing_rate is None or share is None:
        return None
    eu_share, basis = share
    total = min(ASSUMED_PROJECT_EUR, call.budget_eur or ASSUMED_PROJECT_EUR)
    public = total * call.cofinancing_rate / 100
    eu = public * eu_share
    t = TEXT[lang]
    period = vocabulary_label(PROGRAMME_PERIODS, call.programme_period, lang) if call.programme_period else ""
    return {
        "total": format_eur(total, lang),
        "eu": format_eur(eu, lang),
        "national": format_eur(public - eu, lang),
        "own": format_eur(total - public, lang),
        "note": t["budget_note"].format(
            rate=format_percent(call.cofinancing_rate, lang),
            eu_share=format_percent(eu_share * 100, lang),
            basis=t[basis].format(period=period),
        ),
    }


def _timeline(dates: CallDates, today: dt.date, lang: str) -> dict[str, Any] | None:
    deadline = deadline_to_show(dates, today)
    if deadline is None:
        return None
    t = TEXT[lang]
    steps = []
    for key, days_before in TIMELINE_STEPS:
        due = deadline - dt.timedelta(days=days_before)
        steps.append({"label": t[key], "due": format_date(due, lang), "late": due < today})
    return {"deadline": format_date(deadline, lang), "steps": steps}


def _answer(value: bool | None, lang: str) -> str:
    return TEXT[lang]["unknown" if value is None else ("yes" if value else "no")]


def _checklist(call: Call, dates: CallDates, today: dt.date, lang: str) -> list[dict[str, str]]:
    t = TEXT[lang]
    applicants = call.applicant_types or []
    regions = call.cohesion_regions or []
    deadline = deadline_to_show(dates, today)
    # Without any date, an open status is only a guess, unless the call runs until funds are spent.
    status = call_status(dates, today)
    unknown = not dates.deadlines and not call.until_funds_spent and status == "open"
    still_open: bool | None = None if unknown else is_open(dates, today)
    enough_time = None if deadline is None else (deadline - today).days >= MIN_DAYS_TO_PREPARE
    checks = [
        (t["check_municipality"], ("municipality" in applicants) if applicants else None),
        (t["check_region"], not regions or "west" in regions),
        (t["check_open"], still_open),
        (t["check_deadline"].format(days=MIN_DAYS_TO_PREPARE), enough_time),
        (t["check_rate"], call.cofinancing_rate is not None),
    ]
    return [{"label": label, "answer": _answer(value, lang), "ok": value} for label, value in checks]


def _risks(
    call: Call, dates: CallDates, today: dt.date, lang: str, *, has_partners: bool, amendments: int
) -> list[str]:
    t = TEXT[lang]
    risks = []
    deadline = deadline_to_show(dates, today)
    if call.withdrawn:
        risks.append(t["risk_withdrawn"])
    if deadline is None and not call.until_funds_spent:
        risks.append(t["risk_no_deadline"])
    elif deadline is not None and 0 <= (deadline - today).days < MIN_DAYS_TO_PREPARE:
        risks.append(t["risk_short"].format(days=(deadline - today).days))
    if call.until_funds_spent:
        risks.append(t["risk_funds_spent"])
    if call.cofinancing_rate is None:
        risks.append(t["risk_rate"])
    if call.applicant_types and "municipality" not in call.applicant_types:
        risks.append(t["risk_not_eligible"])
    if not has_partners:
        risks.append(t["risk_no_partners"])
    if amendments:
        risks.append(t["risk_amended"].format(count=amendments))
    if call.programme_period in ("2007-2013", "2014-2020"):
        risks.append(
            t["risk_old_period"].format(period=vocabulary_label(PROGRAMME_PERIODS, call.programme_period, lang))
        )
    return risks
