"""Words of the briefs in Slovenian (default) and English, and number/date formats per language."""

from __future__ import annotations

import datetime as dt

LANGS = ("sl", "en")

TEXT: dict[str, dict[str, str]] = {
    "sl": {
        "brief": "Osnutek projektne zamisli",
        "for_group": "za delovno skupino Kranj, pametno mesto",
        "drafted": "Pripravljeno",
        "at_a_glance": "Razpis na kratko",
        "fact": "Podatek", "value": "Vrednost", "source": "Vir",
        "source_link": "vir",
        "deadline_days": "še {days} dni", "deadline_today": "danes", "deadline_past": "pretekel pred {days} dnevi",
        "until_funds_spent": "do porabe sredstev",
        "no_data": "ni podatka",
        "summary": "Povzetek",
        "why_fits": "Zakaj ustreza Kranju",
        "domain": "Področje", "fit": "Ujemanje", "evidence": "Dokaz",
        "s4_area": "Področja S4", "role_lead": "prijavitelj", "role_partner": "partner",
        "no_domains": "Razpis ni uvrščen v nobeno od šestih področij pametnega mesta.",
        "consortium": "Predlagani konzorcij",
        "partner": "Partner", "role": "Vloga", "domains": "Področja", "reason": "Zakaj",
        "no_consortium": "Ujemanje s podjetji še ni izračunano ali ni primernih partnerjev.",
        "budget": "Okvirni finančni načrt",
        "budget_total": "Skupna vrednost projekta (predpostavka)",
        "budget_eu": "Delež EU", "budget_national": "Nacionalni delež", "budget_own": "Lastna udeležba",
        "budget_note": "Predpostavke: stopnja sofinanciranja {rate} upravičenih stroškov; delež EU v javnih sredstvih {eu_share} ({basis}).",
        "budget_unknown": "Stopnja sofinanciranja ni znana, zato finančnega načrta ni mogoče oceniti.",
        "timeline_title": "Časovnica", "timeline": "Časovnica (šteto nazaj od roka {deadline})",
        "no_timeline": "Razpis nima znanega roka za oddajo; časovnico določimo, ko bo rok objavljen.",
        "step": "Korak", "due": "Do", "late": "zamujeno",
        "step_letters": "Pisma o nameri partnerjev", "step_draft": "Osnutek vloge",
        "step_review": "Notranji pregled", "step_submit": "Oddaja vloge",
        "checklist": "Preverjanje upravičenosti",
        "yes": "da", "no": "ne", "unknown": "ni znano",
        "check_municipality": "Občine so upravičeni prijavitelji",
        "check_region": "Razpis velja za Zahodno kohezijsko regijo (Gorenjska)",
        "check_open": "Razpis je odprt ali napovedan",
        "check_deadline": "Do roka je dovolj časa (vsaj {days} dni)",
        "check_rate": "Stopnja sofinanciranja je znana",
        "risks": "Tveganja in odprta vprašanja",
        "no_risks": "Ni posebnih tveganj.",
        "risk_short": "Do roka je le še {days} dni.",
        "risk_no_deadline": "Rok za oddajo ni znan.",
        "risk_funds_spent": "Razpis je odprt do porabe sredstev: vlogo oddati čim prej.",
        "risk_rate": "Stopnja sofinanciranja ni znana: preveriti v razpisni dokumentaciji.",
        "risk_not_eligible": "Občine niso med upravičenimi prijavitelji: Kranj lahko sodeluje le kot partner.",
        "risk_no_partners": "Ni predlaganih lokalnih partnerjev.",
        "risk_amended": "Razpis je bil spremenjen ({count}×): preveriti zadnjo različico.",
        "risk_old_period": "Razpis spada v obdobje {period}: preveriti, ali je še aktualen.",
        "risk_withdrawn": "Razpis je umaknjen.",
        "rate_unknown": "ni podatka",
        "basis_national": "nacionalni razpis brez sredstev EU",
        "basis_west": "Zahodna kohezijska regija 2021–2027",
        "basis_period": "kohezijska politika {period}",
    },
    "en": {
        "brief": "Draft project brief",
        "for_group": "for the Kranj smart-city working group",
        "drafted": "Drafted",
        "at_a_glance": "The call at a glance",
        "fact": "Fact", "value": "Value", "source": "Source",
        "source_link": "source",
        "deadline_days": "{days} days left", "deadline_today": "today", "deadline_past": "passed {days} days ago",
        "until_funds_spent": "until funds are spent",
        "no_data": "not stated",
        "summary": "Summary",
        "why_fits": "Why it fits Kranj",
        "domain": "Domain", "fit": "Fit", "evidence": "Evidence",
        "s4_area": "S4 areas", "role_lead": "lead applicant", "role_partner": "partner",
        "no_domains": "The call is not classified in any of the six smart-city domains.",
        "consortium": "Proposed consortium",
        "partner": "Partner", "role": "Role", "domains": "Domains", "reason": "Why",
        "no_consortium": "Firm matching has not run yet or found no suitable partners.",
        "budget": "Budget sketch",
        "budget_total": "Total project value (assumed)",
        "budget_eu": "EU share", "budget_national": "National share", "budget_own": "Own contribution",
        "budget_note": "Assumptions: co-financing rate {rate} of eligible costs; EU share of public funding {eu_share} ({basis}).",
        "budget_unknown": "The co-financing rate is not known, so no budget can be sketched.",
        "timeline_title": "Timeline", "timeline": "Timeline (counted back from the deadline {deadline})",
        "no_timeline": "The call has no known deadline; the timeline follows once one is published.",
        "step": "Step", "due": "Due", "late": "late",
        "step_letters": "Partner letters of intent", "step_draft": "Draft application",
        "step_review": "Internal review", "step_submit": "Submission",
        "checklist": "Eligibility checklist",
        "yes": "yes", "no": "no", "unknown": "unknown",
        "check_municipality": "Municipalities may apply",
        "check_region": "The call covers the Western cohesion region (Gorenjska)",
        "check_open": "The call is open or forthcoming",
        "check_deadline": "Enough time before the deadline (at least {days} days)",
        "check_rate": "The co-financing rate is known",
        "risks": "Risks and open questions",
        "no_risks": "No particular risks.",
        "risk_short": "Only {days} days are left before the deadline.",
        "risk_no_deadline": "The submission deadline is not known.",
        "risk_funds_spent": "The call is open until funds are spent: apply early.",
        "risk_rate": "The co-financing rate is not known: check the call documents.",
        "risk_not_eligible": "Municipalities may not apply: Kranj can only join as a partner.",
        "risk_no_partners": "No local partners are proposed.",
        "risk_amended": "The call was amended ({count}×): check the latest version.",
        "risk_old_period": "The call belongs to the {period} period: check that it is still current.",
        "risk_withdrawn": "The call has been withdrawn.",
        "rate_unknown": "not stated",
        "basis_national": "national call without EU funds",
        "basis_west": "Western cohesion region 2021–2027",
        "basis_period": "cohesion policy {period}",
    },
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def format_date(value: dt.date, lang: str) -> str:
    return f"{value.day}. {value.month}. {value.year}" if lang == "sl" else value.isoformat()


def format_eur(value: float, lang: str) -> str:
    whole = f"{round(value):,}"
    return f"{whole.replace(',', '.')} EUR" if lang == "sl" else f"EUR {whole}"


def format_percent(value: float, lang: str) -> str:
    text = f"{value:g}"
    return f"{text.replace('.', ',')} %" if lang == "sl" else f"{text}%"
