"""Render a brief context to Markdown (Jinja2), sanitised HTML (markdown-it-py + nh3) and DOCX.

Scraped text reaches the templates only as values. Every value printed by the Markdown template
goes through `markdown_escape` (the environment's finalize), so a title like `<script>`,
`[x](javascript:…)` or `{{ 7*7 }}` stays literal text; StrictUndefined turns a missing fact into
an error instead of a blank.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import urllib.parse
from pathlib import Path
from typing import Any

import nh3
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt

from fundscout.config import TEMPLATES_DIR

# Characters with an inline meaning anywhere in a line (CommonMark and GitHub tables/strikethrough);
# `&` only where it would start an entity. Block syntax (`#`, `-`, `1.`, `>`) matters only at the
# start of a line, where the template places a value through `at_line_start`.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<|~])|&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=>#])")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

ALLOWED_TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "br",
    "hr",
    "blockquote",
}


class RawMarkdown(str):
    """Markdown produced by a filter of ours (a link target), printed without escaping."""


def markdown_escape(value: Any) -> str:
    """Text as inert inline Markdown: one line, every inline-syntax character backslash-escaped."""
    if isinstance(value, RawMarkdown):
        return value
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(lambda m: f"\\{m[1]}" if m[1] else "&amp;", text)


def at_line_start(value: Any) -> RawMarkdown:
    """Escaped text for the start of a line, where it must not open a list, heading or quote."""
    text = markdown_escape(value)
    return RawMarkdown(_MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text))


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s), percent-encoding what could end a Markdown link; else None."""
    if not url:
        return None
    url = url.strip()
    if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return urllib.parse.quote(url, safe=":/?#[]@!$&'*+,;=%-._~")


def _link(url: str | None) -> RawMarkdown:
    target = safe_url(url)
    return RawMarkdown(f"<{target}>" if target else "#")


def _finalize(value: Any) -> str:
    return markdown_escape(value)


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR / "briefs"),
    undefined=StrictUndefined,
    autoescape=False,  # Markdown, not HTML: escaping is `markdown_escape` via finalize
    finalize=_finalize,
    keep_trailing_newline=True,
    trim_blocks=False,
)
_ENV.filters["link"] = _link
_ENV.filters["at_line_start"] = at_line_start

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
BRIEF_CSS = (TEMPLATES_DIR / "briefs" / "brief.css").read_text(encoding="utf-8")
AUTHOR = "FundScout"
DOCX_LANGUAGES = {"sl": "sl-SI", "en": "en-GB"}


def render_markdown(context: dict[str, Any]) -> str:
    return _ENV.get_template("brief.md.j2").render(context)


def markdown_to_html(markdown: str) -> str:
    """An HTML fragment: Markdown rendered without raw HTML, then sanitised by an allow-list."""
    return nh3.clean(
        _MARKDOWN.render(markdown),
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"style"}, "td": {"style"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
    )


def render_html(context: dict[str, Any], markdown: str | None = None) -> str:
    """A standalone HTML page of the brief, styled for the screen and for print (templates/briefs/brief.css)."""
    body = markdown_to_html(markdown if markdown is not None else render_markdown(context))
    title = html.escape(f"{context['t']['brief']}: {context['call']['title']}")
    return (
        f'<!DOCTYPE html>\n<html lang="{context["lang"]}">\n<head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="author" content="{AUTHOR}">\n<meta name="date" content="{context["drafted_iso"]}">\n'
        f"<title>{title}</title>\n<style>\n{BRIEF_CSS}</style>\n</head>\n"
        f'<body>\n<main class="brief">\n{body}</main>\n</body>\n</html>\n'
    )


# --- DOCX --------------------------------------------------------------------------------------


def _docx_text(value: Any) -> str:
    return _XML_ILLEGAL.sub("", " ".join(str(value).split()))


def _add_link(paragraph: Any, url: str | None, text: str) -> None:
    target = safe_url(url)
    if target is None:
        paragraph.add_run(_docx_text(text))
        return
    r_id = paragraph.part.relate_to(target, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = paragraph.add_run(_docx_text(text))
    run.font.underline = True
    run.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.append(run._r)
    paragraph._p.append(link)


def _table(document: Any, header: list[str], rows: list[list[Any]]) -> Any:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = _docx_text(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = _docx_text(text)
    return table


def render_docx(context: dict[str, Any], path: Path) -> Path:
    """Write the brief as a Word document built from the same context as the Markdown."""
    path.parent.mkdir(parents=True, exist_ok=True)
    docx_document(context).save(str(path))
    return path


def docx_bytes(context: dict[str, Any]) -> bytes:
    stream = io.BytesIO()
    docx_document(context).save(stream)
    return stream.getvalue()


def docx_document(context: dict[str, Any]) -> Any:
    """The brief as a python-docx Document."""
    t = context["t"]
    call = context["call"]
    document = Document()
    title = _docx_text(f"{t['brief']}: {call['title']}")
    _set_properties(document, title, context)
    document.add_heading(title, level=1)
    intro = document.add_paragraph(
        _docx_text(f"{t['for_group']} · {t['drafted']} {context['drafted_on']} · {call['id']} · ")
    )
    _add_link(intro, call["url"], t["source_link"])

    document.add_heading(t["at_a_glance"], level=2)
    glance = _table(
        document,
        [t["fact"], t["value"], t["source"]],
        [[f["label"], f["value"] if f["value"] is not None else t["no_data"], ""] for f in context["facts"]],
    )
    for row, fact in zip(glance.rows[1:], context["facts"], strict=True):
        cell = row.cells[2].paragraphs[0]
        _add_link(cell, fact["url"], t["source_link"])
        if fact["snippet"]:
            cell.add_run(_docx_text(f": „{fact['snippet']}“"))
    if call["summary"]:
        document.add_paragraph(_docx_text(f"{t['summary']}: {call['summary']}"))

    document.add_heading(t["why_fits"], level=2)
    document.add_paragraph(_docx_text(f"{t['s4_area']}: {'; '.join(context['s4_areas']) or t['no_data']}"))
    if context["domains"]:
        _table(
            document,
            [t["domain"], t["fit"], t["evidence"]],
            [[d["label"], d["score"] or t["no_data"], d["evidence"] or t["no_data"]] for d in context["domains"]],
        )
    else:
        document.add_paragraph(t["no_domains"])

    document.add_heading(t["consortium"], level=2)
    if context["consortium"]:
        _table(
            document,
            [t["partner"], t["role"], t["domains"], t["reason"]],
            [
                [m["name"], m["role"], m["domains"] or t["no_data"], m["reason"] or t["no_data"]]
                for m in context["consortium"]
            ],
        )
    else:
        document.add_paragraph(t["no_consortium"])

    document.add_heading(t["budget"], level=2)
    budget = context["budget"]
    if budget:
        _table(
            document,
            ["", "EUR"],
            [
                [t["budget_total"], budget["total"]],
                [t["budget_public"], budget["public"]],
                [t["budget_eu"], budget["eu"]],
                [t["budget_national"], budget["national"]],
                [t["budget_own"], budget["own"]],
            ],
        )
        document.add_paragraph(_docx_text(f"{t['assumptions']}:"))
        for assumption in budget["assumptions"]:
            document.add_paragraph(_docx_text(assumption), style="List Bullet")
    else:
        document.add_paragraph(t["budget_unknown"])

    timeline = context["timeline"]
    document.add_heading(_docx_text(timeline["title"]) if timeline else t["timeline_title"], level=2)
    if timeline:
        _table(
            document,
            [t["step"], t["due"]],
            [[s["label"], s["due"] + (f" ({t['late']})" if s["late"] else "")] for s in timeline["steps"]],
        )
        for note in timeline["notes"]:
            document.add_paragraph(_docx_text(note))
    else:
        document.add_paragraph(t["no_timeline"])

    document.add_heading(t["checklist"], level=2)
    for check in context["checklist"]:
        document.add_paragraph(_docx_text(f"{check['label']}: {check['answer']}"), style="List Bullet")

    document.add_heading(t["risks"], level=2)
    for risk in context["risks"] or [t["no_risks"]]:
        document.add_paragraph(_docx_text(risk), style="List Bullet")
    return document


def _set_properties(document: Any, title: str, context: dict[str, Any]) -> None:
    """Title, author, dates and language of the document (core properties and the default text
    language, so Word checks the spelling in the brief's language)."""
    language = DOCX_LANGUAGES[context["lang"]]
    drafted = dt.datetime.combine(dt.date.fromisoformat(context["drafted_iso"]), dt.time(), tzinfo=dt.UTC)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title[:250], AUTHOR, AUTHOR
    props.language, props.subject = language, context["t"]["for_group"]
    props.created = props.modified = drafted
    props.revision = 1
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_props = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_props.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_props.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), language)
