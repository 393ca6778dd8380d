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
        "fact": "Podatek",
        "value": "Vrednost",
        "source": "Vir",
        "source_link": "vir",
        "deadline_days": "še {days} dni",
        "deadline_today": "danes",
        "deadline_past": "pretekel pred {days} dnevi",
        "until_funds_spent": "do porabe sredstev",
        "no_data": "ni podatka",
        "summary": "Povzetek",
        "why_fits": "Zakaj ustreza Kranju",
        "domain": "Področje",
        "fit": "Ujemanje",
        "evidence": "Dokaz",
        "s4_area": "Področja S4",
        "role_lead": "prijavitelj",
        "role_partner": "partner",
        "no_domains": "Razpis ni uvrščen v nobeno od šestih področij pametnega mesta.",
        "consortium": "Predlagani konzorcij",
        "partner": "Partner",
        "role": "Vloga",
        "domains": "Področja",
        "reason": "Zakaj",
        "no_consortium": "Ujemanje s podjetji še ni izračunano ali ni primernih partnerjev.",
        "budget": "Okvirni finančni načrt",
        "budget_total": "Skupna vrednost projekta (predpostavka)",
        "budget_public": "Javna sredstva (razpis)",
        "budget_eu": "od tega EU",
        "budget_national": "od tega nacionalna sredstva",
        "budget_own": "Lastna udeležba",
        "assumptions": "Predpostavke",
        "assume_total": "Skupna vrednost projekta {total} je predpostavka; popravite jo v pregledu.",
        "assume_total_budget": "Skupna vrednost projekta je omejena z razpisanimi sredstvi ({total}).",
        "assume_all_eligible": "Vsi stroški projekta so upravičeni stroški.",
        "assume_rate_stated": "Razpis krije {rate} upravičenih stroškov (stopnja sofinanciranja iz razpisa).",
        "assume_rate_full": "Razpis ne navaja deleža upravičenih stroškov, ki ga krije: predpostavljeno 100 %; preverite v razpisni dokumentaciji.",
        "budget_unknown": "Razpis ne navaja stopnje sofinanciranja ne deleža EU, zato finančnega načrta ni mogoče oceniti.",
        "timeline_title": "Časovnica",
        "timeline": "Časovnica (šteto nazaj od roka {deadline}, na delovne dni)",
        "timeline_first_come": "Časovnica: oddati čim prej (razpis je odprt do porabe sredstev)",
        "first_come_latest": "Vloge je mogoče oddajati najpozneje do {deadline}.",
        "deadline_day_off": "Rok ({deadline}) je dela prost dan: vlogo oddati zadnji delovni dan pred njim.",
        "no_timeline": "Razpis nima znanega roka za oddajo; časovnico določimo, ko bo rok objavljen.",
        "step": "Korak",
        "due": "Do",
        "late": "zamujeno",
        "step_letters": "Pisma o nameri partnerjev",
        "step_draft": "Osnutek vloge",
        "step_review": "Notranji pregled",
        "step_submit": "Oddaja vloge",
        "checklist": "Preverjanje upravičenosti",
        "yes": "da",
        "no": "ne",
        "unknown": "ni znano",
        "check_municipality": "Občine so upravičeni prijavitelji",
        "check_region": "Razpis velja za Zahodno kohezijsko regijo (Gorenjska)",
        "check_open": "Razpis je odprt ali napovedan",
        "check_deadline": "Do roka je dovolj časa (vsaj {days} dni)",
        "check_rate": "Stopnja sofinanciranja je znana",
        "check_condition": "Kranj izpolnjuje pogoj za prijavitelje: {condition}",
        "risks": "Tveganja in odprta vprašanja",
        "no_risks": "Ni posebnih tveganj.",
        "risk_short": "Do roka je le še {days} dni.",
        "risk_no_deadline": "Rok za oddajo ni znan.",
        "risk_funds_spent": "Razpis je odprt do porabe sredstev: vlogo oddati čim prej.",
        "risk_rate": "Stopnja sofinanciranja ni znana: preveriti v razpisni dokumentaciji.",
        "risk_condition": "Pogoj za prijavitelje »{condition}«: preveriti, ali ga Kranj izpolnjuje.",
        "risk_not_eligible": "Občine niso med upravičenimi prijavitelji: Kranj lahko sodeluje le kot partner.",
        "risk_no_partners": "Ni predlaganih lokalnih partnerjev.",
        "risk_amended": "Razpis je bil spremenjen ({count}×): preveriti zadnjo različico.",
        "risk_old_period": "Razpis spada v obdobje {period}: preveriti, ali je še aktualen.",
        "risk_withdrawn": "Razpis je umaknjen.",
        "basis_national": "Nacionalni razpis: javna sredstva so v celoti nacionalna{funds}, brez sredstev EU.",
        "basis_stated": "EU prispeva {share} razpisanih sredstev (Prispevek EU glede na razpisano vrednost), ostalo so nacionalna sredstva.",
        "basis_fund": "Delež EU v javnih sredstvih {share} je predpostavka po skladu ({fund}); razpis ga ne navaja.",
        "basis_west": "Delež EU v javnih sredstvih {share} je predpostavka za Zahodno kohezijsko regijo 2021–2027; razpis ga ne navaja.",
        "basis_period": "Delež EU v javnih sredstvih {share} je predpostavka za kohezijsko politiko {period}; razpis ga ne navaja.",
        "basis_unknown": "Delež EU v javnih sredstvih ni znan.",
        "rate_of_costs": "{rate} upravičenih stroškov",
        "eu_share_of_call": "EU prispeva {share} razpisanih sredstev",
        "condition": "pogoj",
        "money_national": "nacionalna sredstva",
        "money_municipal": "občinska sredstva",
        "money_foreign": "sredstva tujih donatorjev, ne EU",
    },
    "en": {
        "brief": "Draft project brief",
        "for_group": "for the Kranj smart-city working group",
        "drafted": "Drafted",
        "at_a_glance": "The call at a glance",
        "fact": "Fact",
        "value": "Value",
        "source": "Source",
        "source_link": "source",
        "deadline_days": "{days} days left",
        "deadline_today": "today",
        "deadline_past": "passed {days} days ago",
        "until_funds_spent": "until funds are spent",
        "no_data": "not stated",
        "summary": "Summary",
        "why_fits": "Why it fits Kranj",
        "domain": "Domain",
        "fit": "Fit",
        "evidence": "Evidence",
        "s4_area": "S4 areas",
        "role_lead": "lead applicant",
        "role_partner": "partner",
        "no_domains": "The call is not classified in any of the six smart-city domains.",
        "consortium": "Proposed consortium",
        "partner": "Partner",
        "role": "Role",
        "domains": "Domains",
        "reason": "Why",
        "no_consortium": "Firm matching has not run yet or found no suitable partners.",
        "budget": "Budget sketch",
        "budget_total": "Total project value (assumed)",
        "budget_public": "Public funding (the call)",
        "budget_eu": "of which EU",
        "budget_national": "of which national",
        "budget_own": "Own contribution",
        "assumptions": "Assumptions",
        "assume_total": "The total project value of {total} is an assumption; correct it in review.",
        "assume_total_budget": "The total project value is capped by the call's budget ({total}).",
        "assume_all_eligible": "All project costs are eligible costs.",
        "assume_rate_stated": "The call pays {rate} of eligible costs (co-financing rate stated by the call).",
        "assume_rate_full": "The call does not state the share of eligible costs it pays: 100% assumed; check the call documents.",
        "budget_unknown": "The call states neither a co-financing rate nor the EU share, so no budget can be sketched.",
        "timeline_title": "Timeline",
        "timeline": "Timeline (counted back from the deadline {deadline}, on working days)",
        "timeline_first_come": "Timeline: apply as early as possible (the call is open until funds are spent)",
        "first_come_latest": "Applications are accepted until {deadline} at the latest.",
        "deadline_day_off": "The deadline ({deadline}) is not a working day: submit on the last working day before it.",
        "no_timeline": "The call has no known deadline; the timeline follows once one is published.",
        "step": "Step",
        "due": "Due",
        "late": "late",
        "step_letters": "Partner letters of intent",
        "step_draft": "Draft application",
        "step_review": "Internal review",
        "step_submit": "Submission",
        "checklist": "Eligibility checklist",
        "yes": "yes",
        "no": "no",
        "unknown": "unknown",
        "check_municipality": "Municipalities may apply",
        "check_region": "The call covers the Western cohesion region (Gorenjska)",
        "check_open": "The call is open or forthcoming",
        "check_deadline": "Enough time before the deadline (at least {days} days)",
        "check_rate": "The co-financing rate is known",
        "check_condition": "Kranj meets the applicant condition: {condition}",
        "risks": "Risks and open questions",
        "no_risks": "No particular risks.",
        "risk_short": "Only {days} days are left before the deadline.",
        "risk_no_deadline": "The submission deadline is not known.",
        "risk_funds_spent": "The call is open until funds are spent: apply early.",
        "risk_rate": "The co-financing rate is not known: check the call documents.",
        "risk_condition": "Applicant condition “{condition}”: check that Kranj meets it.",
        "risk_not_eligible": "Municipalities may not apply: Kranj can only join as a partner.",
        "risk_no_partners": "No local partners are proposed.",
        "risk_amended": "The call was amended ({count}×): check the latest version.",
        "risk_old_period": "The call belongs to the {period} period: check that it is still current.",
        "risk_withdrawn": "The call has been withdrawn.",
        "basis_national": "National call: the public money is all national{funds}, with no EU funds.",
        "basis_stated": "The EU pays {share} of the call's money (EU contribution over the call's budget); the rest is national.",
        "basis_fund": "The EU share of public funding of {share} is assumed from the fund ({fund}); the call does not state it.",
        "basis_west": "The EU share of public funding of {share} is assumed for the Western cohesion region 2021–2027; the call does not state it.",
        "basis_period": "The EU share of public funding of {share} is assumed for cohesion policy {period}; the call does not state it.",
        "basis_unknown": "The EU share of public funding is not known.",
        "rate_of_costs": "{rate} of eligible costs",
        "eu_share_of_call": "the EU pays {share} of the call's money",
        "condition": "condition",
        "money_national": "national money",
        "money_municipal": "municipal money",
        "money_foreign": "money from non-EU donors",
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


def format_score(value: float, lang: str) -> str:
    """A 0–1 score with two decimals: `0,67` in Slovenian, `0.67` in English."""
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "sl" else text


WEEKDAYS = {
    "sl": ("pon.", "tor.", "sre.", "čet.", "pet.", "sob.", "ned."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def format_day(value: dt.date, lang: str) -> str:
    """A date with its weekday, `pon., 14. 12. 2026` / `Mon 2026-12-14`."""
    day = WEEKDAYS[lang][value.weekday()]
    return f"{day}, {format_date(value, lang)}" if lang == "sl" else f"{day} {format_date(value, lang)}"
