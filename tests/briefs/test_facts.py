"""The facts a brief states, on sample calls read the way a spider reads them (notice text through
`fundscout.extract`, then the load step): co-financing rates, the EU share, applicant conditions,
named national money, first-come deadlines, working-day timelines, partners and snippets.

The notice texts are written for these tests in the wording and layout of the sources.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import docx
import pytest

from fundscout.db import session_scope
from fundscout.db.models import Call
from fundscout.extract import extract_notice
from fundscout.workdays import easter_sunday, holidays, is_working_day
from reports.briefs.context import build_context, clip_snippet
from reports.briefs.render import docx_document, render_html, render_markdown
from tests.brief_seed import DIGITAL_CALL, TODAY, load_calls, seed_store

# evropskasredstva.si: a card of labelled fields, one per line.
CARD_TEXT = """Razpisovalec: Ministrstvo za okolje, podnebje in energijo
Program EU: Program evropske kohezijske politike 2021–2027 (KS)
Razpisana vrednost: 12.000.000,00 EUR
Prispevek EU: 10.200.000,00 EUR
Upravičeni prijavitelji: mestne občine s sprejeto celostno prometno strategijo
Geografsko območje: Vzhodna in Zahodna kohezijska regija
Rok za prijavo na javni razpis: 29. 3. 2027
Namen: varne kolesarske povezave in prestopne točke javnega prevoza"""

# Uradni list: a national first-come call paid by a national fund, open "until funds are spent".
FIRST_COME_TEXT = """Ob-4101/26
Eko sklad, Slovenski okoljski javni sklad, Bleiweisova cesta 30, Ljubljana, objavlja
javni poziv 91SUB-OBPO26
Nepovratne finančne spodbude občinam za polnilnice električnih vozil
1. Predmet javnega poziva
Predmet javnega poziva so nepovratne finančne spodbude za javno dostopne polnilnice za električna vozila.
2. Upravičene osebe
Do spodbude so upravičene občine, ki imajo sprejet načrt trajnostne mobilnosti.
3. Višina sredstev
Okvirna višina razpoložljivih sredstev znaša 3.000.000,00 EUR. Spodbuda znaša do 60 % upravičenih stroškov naložbe. Sredstva zagotavlja Sklad za podnebne spremembe.
4. Rok za oddajo vlog
Vloge se oddajajo od dneva po objavi poziva do porabe sredstev, najpozneje do 30. 6. 2027."""

# EuroAccess key data: the rate as a "Funding rate" row.
PROGRAMME_TEXT = """Interreg Alpine Space 2021–2027
Funding rate: 75%
Applicants: public authorities and SMEs with a seat in the programme area.
Closing: 9 April 2027"""


def record(call_id: str, text: str, **fields: Any) -> dict[str, Any]:
    """A call as a spider yields it: the extractor's fields and evidence, plus the page's own."""
    url = f"https://razpisi.example.si/{call_id}"
    extraction = extract_notice(text, url)
    return {
        **extraction.record_fields(),
        "evidence": extraction.evidence,
        "id": call_id,
        "url": url,
        "source": "import",
        "title": fields.pop("title"),
        "text": text,
        **fields,
    }


CARD = record("test-card", CARD_TEXT, title="Javni razpis za kolesarske povezave v mestnih občinah 2027")
FIRST_COME = record("test-first-come", FIRST_COME_TEXT, title="Javni poziv 91SUB-OBPO26 za polnilnice")
PROGRAMME = record(
    "test-programme", PROGRAMME_TEXT, title="Alpine Space call for small-scale projects", programme_period="2021-2027"
)


def context_of(url: str, call: dict[str, Any], lang: str = "sl", today: dt.date = TODAY) -> dict:
    """The brief context of `call`, seeding the store with it (and the test firms) the first time."""
    with session_scope(url) as session:
        seeded = session.get(Call, call["id"]) is not None
    if not seeded:
        seed_store(url, call)
    with session_scope(url) as session:
        return build_context(session, call["id"], lang, today=today)


def fact(context: dict, label_sl: str) -> dict:
    return next(f for f in context["facts"] if f["label"] == label_sl)


def test_eu_share_of_the_call_gives_the_budget_sketch(db_url: str) -> None:
    context = context_of(db_url, CARD)
    rate = fact(context, "Stopnja sofinanciranja (%)")
    assert rate["value"] == "EU prispeva 85 % razpisanih sredstev"  # 10,2 of 12 million
    assert "Prispevek EU: 10.200.000,00 EUR" in rate["snippet"]
    budget = context["budget"]
    assert budget is not None
    # No share of eligible costs is stated: the sketch says it assumes 100 %, the EU pays 85 % of it.
    assert (budget["total"], budget["public"], budget["eu"], budget["national"], budget["own"]) == (
        "500.000 EUR",
        "500.000 EUR",
        "425.000 EUR",
        "75.000 EUR",
        "0 EUR",
    )
    assumptions = " ".join(budget["assumptions"])
    assert "predpostavljeno 100 %" in assumptions and "EU prispeva 85 % razpisanih sredstev" in assumptions
    markdown = render_markdown(context)
    assert "**Predpostavke:**" in markdown and "Stopnja sofinanciranja je znana: **da**" in markdown


def test_applicant_condition_is_kept(db_url: str) -> None:
    context = context_of(db_url, CARD)
    applicants = fact(context, "Upravičeni prijavitelji")
    assert applicants["value"] == "občine (pogoj: s sprejeto celostno prometno strategijo)"
    markdown = render_markdown(context)
    assert "Kranj izpolnjuje pogoj za prijavitelje: s sprejeto celostno prometno strategijo: **ni znano**" in markdown
    assert "Pogoj za prijavitelje »s sprejeto celostno prometno strategijo«" in markdown


def test_deadline_on_a_holiday_is_planned_for_the_working_day_before(db_url: str) -> None:
    # 29. 3. 2027 is Easter Monday; the back-scheduled steps land on working days only.
    context = context_of(db_url, CARD)
    timeline = context["timeline"]
    steps = {s["label"]: dt.date.fromisoformat(s["due_iso"]) for s in timeline["steps"]}
    assert steps["Oddaja vloge"] == dt.date(2027, 3, 26)  # the Friday before
    assert all(is_working_day(day) for day in steps.values())
    assert steps["Pisma o nameri partnerjev"] == dt.date(2027, 2, 22)  # 35 days before is a Monday
    assert "Rok (pon., 29. 3. 2027) je dela prost dan" in " ".join(timeline["notes"])
    assert "| Oddaja vloge | pet., 26. 3. 2027 |" in render_markdown(context)


def test_first_come_call_says_apply_early_and_plans_from_today(db_url: str) -> None:
    today = dt.date(2026, 12, 18)  # a Friday: the plan's days after it skip Christmas and the weekend
    context = context_of(db_url, FIRST_COME, today=today)
    timeline = context["timeline"]
    assert timeline["title"].startswith("Časovnica: oddati čim prej")
    dues = [dt.date.fromisoformat(s["due_iso"]) for s in timeline["steps"]]
    assert dues == sorted(dues) and dues[0] > today and all(is_working_day(d) for d in dues)
    assert dues[-1] <= dt.date(2027, 6, 30)
    assert dt.date(2026, 12, 25) not in dues and dt.date(2026, 12, 26) not in dues
    assert "najpozneje do 30. 6. 2027" in " ".join(timeline["notes"])
    markdown = render_markdown(context)
    assert "šteto nazaj" not in markdown
    assert "Razpis je odprt do porabe sredstev: vlogo oddati čim prej." in markdown


def test_national_fund_is_named_as_national_money(db_url: str) -> None:
    context = context_of(db_url, FIRST_COME)
    funds = fact(context, "Skladi")
    assert funds["value"] == "Sklad za podnebne spremembe (nacionalna sredstva)"
    assert funds["snippet"].endswith("Sredstva zagotavlja Sklad za podnebne spremembe.")
    budget = context["budget"]
    assert (budget["public"], budget["eu"], budget["national"], budget["own"]) == (
        "300.000 EUR",
        "0 EUR",
        "300.000 EUR",
        "200.000 EUR",
    )  # a 500 000 EUR project, 60 % paid by the call, all of it national money
    assert any("v celoti nacionalna (Sklad za podnebne spremembe)" in a for a in budget["assumptions"])
    assert fact(context, "Upravičeni prijavitelji")["value"] == (
        "občine (pogoj: ki imajo sprejet načrt trajnostne mobilnosti)"
    )
    english = context_of(db_url, FIRST_COME, lang="en")
    assert fact_en(english, "Funds")["value"] == "Climate Change Fund (national money)"


def fact_en(context: dict, label: str) -> dict:
    return next(f for f in context["facts"] if f["label"] == label)


def test_funding_rate_row_of_a_programme(db_url: str) -> None:
    context = context_of(db_url, PROGRAMME, lang="en")
    assert fact_en(context, "Co-financing rate (%)")["value"] == "75% of eligible costs"
    budget = context["budget"]
    assert (budget["public"], budget["own"]) == ("EUR 375,000", "EUR 125,000")
    assert fact_en(context, "Eligible applicants")["value"].endswith("(condition: with a seat in the programme area)")


def test_partners_only_above_the_fit_threshold_with_the_reason(db_url: str) -> None:
    # Seeded matches for the digital call: Podatkovni most 85, Kranj 70, Kolo in pot 40.
    context = context_of(db_url, DIGITAL_CALL)
    names = [m["name"] for m in context["consortium"]]
    assert names == ["Mestna občina Kranj", "Podatkovni most d.o.o."]
    partner = context["consortium"][1]
    assert "ujemanje z razpisom 85 % (prag 50 %)" in partner["reason"]


def test_scores_snippets_and_markdown_read_as_slovenian_text(db_url: str) -> None:
    context = context_of(db_url, CARD)
    digital = context_of(db_url, DIGITAL_CALL)
    assert [d["score"] for d in digital["domains"]] == ["0,90"]
    markdown = render_markdown(context)
    assert "\\." not in markdown and "\\(" not in markdown and "\\)" not in markdown
    for f in context["facts"]:
        if f["snippet"]:
            words = f["snippet"].replace("…", " ").split()
            assert all(w in " ".join(CARD_TEXT.split()) for w in words), f["snippet"]


def test_clip_snippet_cuts_at_words_with_an_ellipsis() -> None:
    source = "Prva poved je tu. Okvirna višina razpoložljivih sredstev znaša 3.000.000,00 EUR in nič več."
    assert clip_snippet("oložljivih sredstev znaša 3.000.000,00 EUR in n", source) == (
        "… sredstev znaša 3.000.000,00 EUR in …"
    )
    assert clip_snippet("Okvirna višina razpoložljivih sredstev", source) == "Okvirna višina razpoložljivih sredstev …"
    # A number is a word too: a cut one is dropped, never shown as a smaller amount.
    assert clip_snippet("Razpisana vrednost: 12.000.000,00 EUR Prispevek EU: 10.2", CARD_TEXT) == (
        "Razpisana vrednost: 12.000.000,00 EUR Prispevek EU: …"
    )
    # A label's value that ends its line needs no ellipsis.
    assert clip_snippet("29. 3. 2027", CARD_TEXT) == "29. 3. 2027"
    long = " ".join(["beseda"] * 60)
    clipped = clip_snippet(long, "")
    assert len(clipped) <= 185 and clipped.endswith(" …") and "besed …" not in clipped


def test_slovenian_holidays_include_easter_monday() -> None:
    assert [easter_sunday(y) for y in (2024, 2025, 2026, 2027)] == [
        dt.date(2024, 3, 31),
        dt.date(2025, 4, 20),
        dt.date(2026, 4, 5),
        dt.date(2027, 3, 28),
    ]
    days = holidays(2026)
    assert days[dt.date(2026, 4, 6)] == "velikonočni ponedeljek"
    assert {dt.date(2026, 6, 25), dt.date(2026, 12, 26), dt.date(2026, 2, 8), dt.date(2026, 10, 31)} <= set(days)
    assert not is_working_day(dt.date(2026, 12, 26)) and not is_working_day(dt.date(2026, 12, 27))
    assert is_working_day(dt.date(2026, 12, 24))


@pytest.mark.parametrize("lang", ["sl", "en"])
def test_html_is_print_ready_and_docx_carries_its_properties(db_url: str, lang: str) -> None:
    context = context_of(db_url, CARD, lang=lang)
    page = render_html(context)
    assert "<style>" in page and "@media print" in page and "@page" in page
    assert '<meta name="author" content="FundScout">' in page
    document = docx_document(context)
    props = document.core_properties
    assert props.author == "FundScout"
    assert props.title == f"{context['t']['brief']}: {CARD['title']}"
    assert props.language == {"sl": "sl-SI", "en": "en-GB"}[lang]
    assert props.created.date() == TODAY
    defaults = document.styles.element.xpath("//w:docDefaults//w:lang/@w:val")
    assert defaults == [props.language]
    assert isinstance(document, docx.document.Document)


def test_a_call_without_text_still_gets_its_stored_rate(db_url: str) -> None:
    load_calls(db_url, {**DIGITAL_CALL, "id": "test-no-text"})
    with session_scope(db_url) as session:
        context = build_context(session, "test-no-text", "sl", today=TODAY)
    assert fact(context, "Stopnja sofinanciranja (%)")["value"] == "80 % upravičenih stroškov"
