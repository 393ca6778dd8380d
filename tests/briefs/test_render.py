"""Briefs rendered from small stores: both languages, all three formats, hostile input inert."""

from __future__ import annotations

import copy
import html
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from jinja2 import UndefinedError

from fundscout.db import session_scope
from reports.briefs.context import build_context
from reports.briefs.render import (
    at_line_start,
    markdown_escape,
    markdown_to_html,
    render_docx,
    render_html,
    render_markdown,
)
from tests.brief_seed import DIGITAL_CALL, TODAY, load_calls, seed_store


def context_for(url: str, call_id: str, lang: str) -> dict:
    with session_scope(url) as session:
        return build_context(session, call_id, lang, today=TODAY)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "sl",
            [
                "Osnutek projektne zamisli",
                "Razpis na kratko",
                "še 52 dni",
                "2.000.000 EUR",
                "e-upravljanje in e-demokracija",
                "prijavitelj",
                "Pisma o nameri partnerjev",
                "11. 12. 2026",
            ],
        ),
        (
            "en",
            [
                "Draft project brief",
                "The call at a glance",
                "52 days left",
                "EUR 2,000,000",
                "e-governance and e-democracy",
                "lead applicant",
                "Partner letters of intent",
                "2026-12-11",
            ],
        ),
    ],
)
def test_markdown_brief_has_every_section_in_the_language(db_url: str, lang: str, words: list[str]) -> None:
    seed_store(db_url)
    markdown = render_markdown(context_for(db_url, DIGITAL_CALL["id"], lang))
    for word in words:
        assert word in markdown, word
    # Facts link to their source page, with the snippet they were read from.
    assert (
        "[vir](<https://razpisi.example.si/razpis/digital>): „Skupna višina sredstev je" in markdown
        or "[source](<https://razpisi.example.si/razpis/digital>): „Skupna višina sredstev je" in markdown
    )
    # The matcher's consortium: Kranj leads, the firm adding a missing domain follows.
    assert markdown.index("Mestna občina Kranj") < markdown.index("Podatkovni most d.o.o.")
    assert "e-storitve ×2; odprti podatki" in markdown
    assert "S4.1.1" in markdown


def test_budget_sketch_splits_the_assumed_project(db_url: str) -> None:
    seed_store(db_url)
    budget = context_for(db_url, DIGITAL_CALL["id"], "en")["budget"]
    # 500 000 EUR project, 80 % public money, of which 40 % EU (Western region 2021–2027).
    assert budget["total"] == "EUR 500,000"
    assert budget["eu"] == "EUR 160,000"
    assert budget["national"] == "EUR 240,000"
    assert budget["own"] == "EUR 100,000"


def test_call_without_rate_or_deadline_says_so(db_url: str) -> None:
    bare = {
        "id": "test-bare",
        "url": "https://razpisi.example.si/bare",
        "source": "import",
        "title": "Javni poziv brez roka",
        "applicant_types": ["sme"],
    }
    load_calls(db_url, bare)
    context = context_for(db_url, "test-bare", "en")
    assert context["budget"] is None and context["timeline"] is None
    markdown = render_markdown(context)
    assert "no budget can be sketched" in markdown
    assert "## Timeline\n\nThe call has no known deadline" in markdown
    assert "The submission deadline is not known." in markdown
    assert "Municipalities may not apply" in markdown
    assert "Municipalities may apply: **no**" in markdown


def test_html_is_a_sanitised_page_of_the_same_brief(db_url: str) -> None:
    seed_store(db_url)
    context = context_for(db_url, DIGITAL_CALL["id"], "sl")
    page = render_html(context)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="sl">' in page
    assert "<table>" in page and "<h2>Razpis na kratko</h2>" in page
    assert '<a href="https://razpisi.example.si/razpis/digital" rel="noopener noreferrer nofollow">vir</a>' in page


@pytest.mark.parametrize("lang", ["sl", "en"])
def test_docx_opens_and_carries_the_brief(db_url: str, tmp_path: Path, lang: str) -> None:
    seed_store(db_url)
    context = context_for(db_url, DIGITAL_CALL["id"], lang)
    path = render_docx(context, tmp_path / f"brief.{lang}.docx")
    text = docx_text(path)
    assert DIGITAL_CALL["title"] in text
    assert context["t"]["at_a_glance"] in text
    assert context["budget"]["eu"] in text
    assert "Podatkovni most d.o.o." in text
    relations = docx.Document(str(path)).part.rels.values()
    assert "https://razpisi.example.si/razpis/digital" in {r.target_ref for r in relations if r.is_external}


def test_missing_fact_fails_loudly_instead_of_printing_blank(db_url: str) -> None:
    seed_store(db_url)
    context = copy.deepcopy(context_for(db_url, DIGITAL_CALL["id"], "sl"))
    del context["budget"]
    with pytest.raises(UndefinedError):
        render_markdown(context)
    context = copy.deepcopy(context_for(db_url, DIGITAL_CALL["id"], "sl"))
    del context["facts"][0]["snippet"]
    with pytest.raises(UndefinedError):
        render_markdown(context)


HOSTILE = {
    **DIGITAL_CALL,
    "id": "test-hostile",
    "url": "https://razpisi.example.si/razpis/hostile?a=(1)&b=<x>",
    "title": "<script>alert('t')</script> {{ 7*7 }} {% raw %} [klik](javascript:alert(1))",
    "publisher": "<img src=x onerror=alert(1)>",
    "programme": "${7*7} #{7*7} | --- |",
    "summary": '1. <a href="javascript:alert(2)" onclick=alert(3)>x</a> **bold** <javascript:alert(4)>',
    "evidence": {"budget_eur": "</td></tr></table><script>alert(5)</script>{{ config }}"},
}


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_hostile_titles_and_summaries_stay_inert(db_url: str, tmp_path: Path) -> None:
    seed_store(db_url, HOSTILE)
    for lang in ("sl", "en"):
        context = context_for(db_url, "test-hostile", lang)
        markdown = render_markdown(context)
        assert "49" not in markdown  # `{{ 7*7 }}` is text, never evaluated
        assert "\\<script>" in markdown  # an escaped "<" opens no tag
        page = render_html(context)
        collector = TagCollector()
        collector.feed(page)
        tags = {tag for tag, _ in collector.tags}
        assert not tags & {"script", "img", "iframe"}, tags
        for tag, attrs in collector.tags:
            assert not any(name.startswith("on") for name in attrs), (tag, attrs)
            assert "javascript:" not in (attrs.get("href") or "").lower(), (tag, attrs)
        # The hostile text survives as visible text.
        assert "&lt;script&gt;alert('t')&lt;/script&gt; {{ 7*7 }} {% raw %}" in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        assert "{{ config }}" in page
        text = docx_text(render_docx(context, tmp_path / f"hostile.{lang}.docx"))
        assert HOSTILE["title"] in text and "{{ config }}" in text


def test_markdown_escape_neutralises_block_and_inline_syntax() -> None:
    assert at_line_start("# naslov") == "\\# naslov"
    assert at_line_start("- alineja") == "\\- alineja"
    assert at_line_start("12. točka") == "12\\. točka"
    assert markdown_escape("a\n\n# b | c") == "a # b \\| c"
    assert markdown_escape("[x](y)") == "\\[x\\](y)"
    assert markdown_escape("&amp; & <b>") == "&amp;amp; & \\<b>"
    # Mid-line, ordinary punctuation stays as written: no stray escapes in the .md file.
    assert markdown_escape("Kohezijski sklad (KS), 2.000.000 EUR. Rok: 1. 2. 2027!") == (
        "Kohezijski sklad (KS), 2.000.000 EUR. Rok: 1. 2. 2027!"
    )


@pytest.mark.parametrize("placed", ["line start", "inline"])
def test_escaped_text_renders_back_to_exactly_itself(placed: str) -> None:
    """Any mix of Markdown/HTML syntax comes out of the HTML renderer as the same visible text,
    at the start of a line (`at_line_start`) and after other text (`markdown_escape`)."""
    pieces = list("ab1 9.-+=>#*_`[]()<>!|~&\\{}:;\"'/") + [
        "javascript:",
        "http://x.example",
        "&amp;",
        "&#60;",
        "1.",
        "---",
        "***",
        "<script>",
        "{{",
        "}}",
    ]
    rng = random.Random(7)
    for _ in range(3000):
        text = " ".join("".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))).split())
        if not text:
            continue
        markdown = at_line_start(text) if placed == "line start" else "x " + markdown_escape(text)
        expected = text if placed == "line start" else "x " + text
        rendered = re.fullmatch(r"<p>(.*)</p>", markdown_to_html(markdown).strip(), re.S)
        assert rendered and html.unescape(rendered[1]) == expected, text
