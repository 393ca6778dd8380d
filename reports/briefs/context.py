"""The brief context: every fact a brief shows, read from the store and formatted for one language.

The context is plain data (strings, numbers, lists, dicts). Rendering (``render.py``) only lays it
out, so Markdown, HTML and DOCX say the same thing. Scraped strings stay values here; they are
escaped by each renderer and never become template source.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundscout.db.models import Call, CallDomain, CallHistory
from fundscout.extract.amounts import find_cofinancing_rate, find_eu_share
from fundscout.extract.applicants import find_applicant_conditions
from fundscout.extract.legal_basis import find_named_funds
from fundscout.fields import DOMAINS, FIELDS_BY_NAME, FUNDS, GLANCE_FIELDS, PROGRAMME_PERIODS, vocabulary_label
from fundscout.reference import NamedFund, domain_s4_areas, s4_area_names
from fundscout.status import CallDates, call_status, deadline_to_show, is_open
from fundscout.workdays import is_working_day, working_day_on_or_after, working_day_on_or_before
from reports.briefs.consortium import suggest_consortium
from reports.briefs.i18n import (
    TEXT,
    check_lang,
    format_date,
    format_day,
    format_eur,
    format_percent,
    format_score,
)

# A brief sketches one typical project; the working group corrects the figure in review.
ASSUMED_PROJECT_EUR = 500_000.0
# EU share of the public funding, by fund first and then by period (Kranj: Western cohesion region,
# a "more developed" region in 2021–2027). Funds paid directly by the Commission have no national share.
EU_SHARE_BY_FUND = {"HORIZON": 1.0, "LIFE": 1.0, "CF": 0.85, "INTERREG": 0.80}
EU_SHARE_BY_PERIOD = {"2021-2027": 0.40, "2014-2020": 0.80, "2007-2013": 0.85}
# Calendar days before the deadline by which each step of the application is due (each moved to
# the working day before when it falls on a weekend or a public holiday).
TIMELINE_STEPS = (("step_letters", 35), ("step_draft", 21), ("step_review", 7), ("step_submit", 0))
# First come, first served ("do porabe sredstev"): the same steps, counted forward from today.
FIRST_COME_STEPS = (("step_letters", 7), ("step_draft", 14), ("step_review", 19), ("step_submit", 21))
MIN_DAYS_TO_PREPARE = 30
# A snippet beside a fact is cut to about this many characters, at a word boundary.
SNIPPET_CHARS = 180


def build_context(session: Session, call_id: str, lang: str = "sl", *, today: dt.date | None = None) -> dict[str, Any]:
    """Everything one brief shows, in `lang`. Raises LookupError for an unknown call."""
    check_lang(lang)
    call = session.get(Call, call_id)
    if call is None:
        raise LookupError(f"no call with id {call_id!r} in the store")
    today = today or dt.date.today()
    t = TEXT[lang]
    dates = CallDates.of(call)
    read = SourceFacts.of(call)
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
        "drafted_iso": today.isoformat(),
        "facts": [_fact(call, read, name, lang, today) for name in GLANCE_FIELDS],
        "domains": fit,
        "s4_areas": _s4_areas([d["code"] for d in fit], lang),
        "consortium": consortium,
        "budget": _budget(call, read, lang),
        "timeline": _timeline(call, dates, today, lang),
        "checklist": _checklist(call, read, dates, today, lang),
        "risks": _risks(call, read, dates, today, lang, has_partners=bool(consortium), amendments=amendments),
    }


@dataclass(frozen=True)
class SourceFacts:
    """Facts the stored fields leave out, read from the call's own text by `fundscout.extract`
    (the notice text when stored, else the title, summary and snippets the call keeps)."""

    text: str
    rate: tuple[float, str] | None  # share of eligible costs the call pays, % (field or text)
    eu_share: tuple[float, str] | None  # EU contribution over the call's budget, %
    named_funds: list[tuple[NamedFund, str]]
    applicant_condition: tuple[str, str] | None

    @classmethod
    def of(cls, call: Call) -> SourceFacts:
        snippets = [p.get("snippet") or "" for p in (call.provenance or {}).values() if isinstance(p, dict)]
        text = call.text or "\n\n".join(p for p in [call.title, call.summary or "", *snippets] if p)
        stored = call.cofinancing_rate
        rate = (stored, _snippet_of(call, "cofinancing_rate")) if stored is not None else find_cofinancing_rate(text)
        return cls(text, rate, find_eu_share(text), find_named_funds(text), find_applicant_conditions(text))


def _snippet_of(call: Call, name: str) -> str:
    return ((call.provenance or {}).get(name) or {}).get("snippet") or ""


def clip_snippet(snippet: str, source: str = "", limit: int = SNIPPET_CHARS) -> str:
    """The snippet cut at word boundaries, with an ellipsis where it does not begin or end a sentence
    or line of its source text (where it is found there) or is cut to `limit` characters. Pieces
    joined by " … " are clipped one by one."""
    pieces = [p for p in snippet.split(" … ") if p.strip()]
    if len(pieces) > 1:
        joined = " ".join(clip_snippet(p, source, limit // len(pieces)) for p in pieces)
        return re.sub(r"…(?:\s*…)+", "…", joined)
    text = " ".join(snippet.split())
    lines = [" ".join(line.split()) for line in source.splitlines()]
    lines = [line for line in lines if line]
    full = " ".join(lines)
    at = full.find(text) if text and full else -1
    if at >= 0:
        starts, ends, offset = set(), set(), 0
        for line in lines:
            starts.add(offset)
            ends.add(offset + len(line))
            offset += len(line) + 1
        end = at + len(text)
        if at > 0 and not full[at - 1].isspace() and " " in text:  # begins inside a word: drop its rest
            dropped = text.split(" ", 1)[0]
            text, at = text[len(dropped) + 1 :], at + len(dropped) + 1
        if end < len(full) and not full[end].isspace() and " " in text:  # ends inside a word
            dropped = text.rsplit(" ", 1)[1]
            text, end = text[: -len(dropped) - 1], end - len(dropped) - 1
        cut_start = at not in starts and full[:at].rstrip()[-1:] not in ".!?:"
        cut_end = end not in ends and text.rstrip()[-1:] not in ".!?"
    else:  # no source to compare with: a snippet that starts lower-case continues a sentence
        cut_start, cut_end = text[:1].islower(), text[-1:] not in ".!?:;)»“\"'"
    if len(text) > limit:
        text, cut_end = text[: limit + 1].rsplit(" ", 1)[0], True
    text = text.strip(" ,;")
    return f"{'… ' if cut_start else ''}{text}{' …' if cut_end else ''}"


def days_left_text(deadline: dt.date, today: dt.date, lang: str) -> str:
    t = TEXT[lang]
    days = (deadline - today).days
    if days == 0:
        return t["deadline_today"]
    return t["deadline_days"].format(days=days) if days > 0 else t["deadline_past"].format(days=-days)


def _fact_value(call: Call, read: SourceFacts, name: str, lang: str, today: dt.date) -> str | None:
    t = TEXT[lang]
    value = getattr(call, name)
    if name == "funds":
        return _funds_text(call, read, lang)
    if name == "cofinancing_rate":
        parts = [t["rate_of_costs"].format(rate=format_percent(read.rate[0], lang))] if read.rate else []
        if read.eu_share:
            parts.append(t["eu_share_of_call"].format(share=format_percent(read.eu_share[0], lang)))
        return "; ".join(parts) or None
    if name == "applicant_types" and value and read.applicant_condition:
        labels = ", ".join(vocabulary_label(FIELDS_BY_NAME[name].values, code, lang) for code in value)
        return f"{labels} ({t['condition']}: {read.applicant_condition[0]})"
    if name == "deadlines":
        dates = [dt.date.fromisoformat(d) for d in sorted(value or [])]
        parts = [f"{format_date(d, lang)} ({days_left_text(d, today, lang)})" for d in dates]
        if call.until_funds_spent:
            parts.append(TEXT[lang]["until_funds_spent"])
        return "; ".join(parts) or None
    if value is None or value == []:
        return None
    if name == "budget_eur":
        return format_eur(value, lang)
    field = FIELDS_BY_NAME[name]
    if field.kind == "code":
        return vocabulary_label(field.values, value, lang)
    if field.kind == "codes":
        return ", ".join(vocabulary_label(field.values, code, lang) for code in value)
    return str(value)


def _funds_text(call: Call, read: SourceFacts, lang: str) -> str | None:
    """EU funds by name, then the national, municipal or foreign money the text names, each saying
    whose money it is; a national call that names none is still national money."""
    t = TEXT[lang]
    parts = [vocabulary_label(FUNDS, code, lang) for code in call.funds or []]
    parts += [f"{fund.name(lang)} ({t['money_' + fund.kind]})" for fund, _ in read.named_funds]
    if not parts and (call.programme_period == "national" or call.eu_funded is False):
        parts.append(t["money_national"])
    return ", ".join(parts) or None


def _fact_snippet(call: Call, read: SourceFacts, name: str) -> str | None:
    snippet = _snippet_of(call, name)
    if name == "cofinancing_rate":
        snippet = " … ".join(s for s in (read.rate and read.rate[1], read.eu_share and read.eu_share[1]) if s)
    elif name == "funds" and read.named_funds and not snippet:
        snippet = read.named_funds[0][1]
    elif name == "applicant_types" and read.applicant_condition:
        snippet = read.applicant_condition[1]  # the sentence that states the condition
    if not snippet or re.fullmatch(r"https?://\S+", snippet.strip()):
        return None  # nothing quoted (a fact told by the page's address is linked already)
    return clip_snippet(snippet, read.text)


def _fact(call: Call, read: SourceFacts, name: str, lang: str, today: dt.date) -> dict[str, Any]:
    """One fact with the page it came from and, when the extractor kept it, the snippet."""
    source = (call.provenance or {}).get(name) or {}
    return {
        "label": FIELDS_BY_NAME[name].label(lang),
        "value": _fact_value(call, read, name, lang, today),
        "url": source.get("url") or call.url,
        "snippet": _fact_snippet(call, read, name),
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
                "score": format_score(r.score, lang),
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


def _eu_share(call: Call, read: SourceFacts, lang: str) -> tuple[float | None, str]:
    """The EU's part of the public money (0–1) and the assumption it rests on, in words."""
    t = TEXT[lang]
    national = [fund.name(lang) for fund, _ in read.named_funds if fund.kind == "national"]
    if call.programme_period == "national" or call.eu_funded is False:
        return 0.0, t["basis_national"].format(funds=f" ({', '.join(national)})" if national else "")
    if read.eu_share:
        return read.eu_share[0] / 100, t["basis_stated"].format(share=format_percent(read.eu_share[0], lang))
    for fund in call.funds or []:
        if fund in EU_SHARE_BY_FUND:
            share = EU_SHARE_BY_FUND[fund]
            return share, t["basis_fund"].format(
                share=format_percent(share * 100, lang), fund=vocabulary_label(FUNDS, fund, lang)
            )
    if call.programme_period in EU_SHARE_BY_PERIOD:
        share = EU_SHARE_BY_PERIOD[call.programme_period]
        key = "basis_west" if call.programme_period == "2021-2027" else "basis_period"
        period = vocabulary_label(PROGRAMME_PERIODS, call.programme_period, lang)
        return share, t[key].format(share=format_percent(share * 100, lang), period=period)
    return None, t["basis_unknown"]


def _budget(call: Call, read: SourceFacts, lang: str) -> dict[str, Any] | None:
    """An assumed project split into EU, national and own money. Sketched when the call states its
    co-financing rate or the EU share of its money; every assumption used is listed."""
    if read.rate is None and read.eu_share is None:
        return None
    t = TEXT[lang]
    assumptions = []
    total = ASSUMED_PROJECT_EUR
    if call.budget_eur and call.budget_eur < total:
        total = call.budget_eur
        assumptions.append(t["assume_total_budget"].format(total=format_eur(total, lang)))
    else:
        assumptions.append(t["assume_total"].format(total=format_eur(total, lang)))
    assumptions.append(t["assume_all_eligible"])
    if read.rate is not None:
        rate = read.rate[0]
        assumptions.append(t["assume_rate_stated"].format(rate=format_percent(rate, lang)))
    else:
        rate = 100.0
        assumptions.append(t["assume_rate_full"])
    public = total * rate / 100
    eu_share, basis = _eu_share(call, read, lang)
    assumptions.append(basis)
    eu = None if eu_share is None else public * eu_share
    return {
        "total": format_eur(total, lang),
        "public": format_eur(public, lang),
        "eu": format_eur(eu, lang) if eu is not None else t["no_data"],
        "national": format_eur(public - eu, lang) if eu is not None else t["no_data"],
        "own": format_eur(total - public, lang),
        "assumptions": assumptions,
    }


def _step(label: str, due: dt.date, today: dt.date, lang: str) -> dict[str, Any]:
    return {"label": label, "due": format_day(due, lang), "due_iso": due.isoformat(), "late": due < today}


def _timeline(call: Call, dates: CallDates, today: dt.date, lang: str) -> dict[str, Any] | None:
    """The application steps on working days: counted back from the next deadline, or, for a call open
    until its funds are spent (first come, first served), forward from today, as early as possible."""
    t = TEXT[lang]
    deadline = deadline_to_show(dates, today)
    notes = []
    if call.until_funds_spent and is_open(dates, today):
        steps = []
        for key, days_after in FIRST_COME_STEPS:
            due = working_day_on_or_after(today + dt.timedelta(days=days_after))
            if deadline is not None and due > deadline:  # "najpozneje D": never after the last day
                due = working_day_on_or_before(deadline)
            steps.append(_step(t[key], due, today, lang))
        if deadline is not None:
            notes.append(t["first_come_latest"].format(deadline=format_date(deadline, lang)))
        return {"title": t["timeline_first_come"], "steps": steps, "notes": notes}
    if deadline is None:
        return None
    steps = [
        _step(t[key], working_day_on_or_before(deadline - dt.timedelta(days=days_before)), today, lang)
        for key, days_before in TIMELINE_STEPS
    ]
    if not is_working_day(deadline):
        notes.append(t["deadline_day_off"].format(deadline=format_day(deadline, lang)))
    return {"title": t["timeline"].format(deadline=format_date(deadline, lang)), "steps": steps, "notes": notes}


def _answer(value: bool | None, lang: str) -> str:
    return TEXT[lang]["unknown" if value is None else ("yes" if value else "no")]


def _checklist(call: Call, read: SourceFacts, dates: CallDates, today: dt.date, lang: str) -> list[dict[str, Any]]:
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
        (t["check_rate"], read.rate is not None or read.eu_share is not None),
    ]
    if read.applicant_condition:
        checks.insert(1, (t["check_condition"].format(condition=read.applicant_condition[0]), None))
    return [{"label": label, "answer": _answer(value, lang), "ok": value} for label, value in checks]


def _risks(
    call: Call, read: SourceFacts, dates: CallDates, today: dt.date, lang: str, *, has_partners: bool, amendments: int
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
    if read.rate is None:
        risks.append(t["risk_rate"])
    if read.applicant_condition:
        risks.append(t["risk_condition"].format(condition=read.applicant_condition[0]))
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
