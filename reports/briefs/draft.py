"""`fundscout briefs`: pick promising calls, draft (or refresh) their briefs in the store and on disk.

A call is promising when its best eligible firm match reaches `min_score` and its best smart-city
domain label reaches `min_fit`, or when it is chosen by hand (`call_ids`). A brief keeps the content hash of
the call it was last reviewed against; when the call changes, the refreshed brief is flagged for
re-review until a reviewer acts on it (``web``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundscout.db import session_scope
from fundscout.db.models import AuditLog, Brief, Call, CallDomain, Match, utcnow
from reports.briefs.context import build_context
from reports.briefs.i18n import check_lang
from reports.briefs.render import render_docx, render_html, render_markdown

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class DraftedBrief:
    call_id: str
    brief_id: int
    lang: str
    score: float | None
    outcome: str  # created / refreshed / flagged / unchanged
    files: list[Path] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.call_id} [{self.lang}] {self.outcome}: " + ", ".join(p.name for p in self.files)


def best_scores(session: Session) -> dict[str, float]:
    """Best eligible match score (0–100) per call."""
    rows = session.execute(
        select(Match.call_id, func.max(Match.score)).where(Match.eligible.is_not(False)).group_by(Match.call_id)
    )
    return {call_id: score for call_id, score in rows}


def promising_calls(
    session: Session, min_score: float, min_fit: float, scores: dict[str, float]
) -> list[tuple[str, float]]:
    """(call id, score) of calls with a good enough firm match and domain label, best first."""
    fits = dict(
        session.execute(select(CallDomain.call_id, func.max(CallDomain.score)).group_by(CallDomain.call_id)).all()
    )
    candidates = []
    for call_id in session.scalars(select(Call.id).where(Call.withdrawn.is_not(True))):
        score, fit = scores.get(call_id), fits.get(call_id)
        if score is not None and score >= min_score and fit is not None and fit >= min_fit:
            candidates.append((call_id, score))
    return sorted(candidates, key=lambda c: (-c[1], c[0]))


def brief_path(out_dir: Path, call_id: str, lang: str, ext: str) -> Path:
    return out_dir / f"{_UNSAFE_FILENAME.sub('_', call_id)}.{lang}.{ext}"


def draft_brief(
    session: Session,
    call_id: str,
    lang: str,
    *,
    score: float | None,
    out_dir: Path | None,
    today: dt.date | None = None,
) -> DraftedBrief:
    """Draft or refresh one brief inside the caller's transaction and write its files."""
    call = session.get(Call, call_id)
    if call is None:
        raise LookupError(f"no call with id {call_id!r} in the store")
    context = build_context(session, call_id, lang, today=today)
    markdown = render_markdown(context)
    now = utcnow()
    brief = session.scalars(select(Brief).where(Brief.call_id == call_id, Brief.lang == lang)).first()
    if brief is None:
        brief = Brief(
            call_id=call_id,
            lang=lang,
            status="draft",
            score=score,
            markdown=markdown,
            call_hash=call.content_hash,
            needs_rereview=False,
            created_at=now,
            updated_at=now,
        )
        session.add(brief)
        session.flush()
        outcome = "created"
        session.add(
            AuditLog(
                at=now,
                user_id=None,
                action="brief_drafted",
                target=f"brief:{brief.id}",
                details={"call_id": call_id, "lang": lang},
            )
        )
    else:
        changed_call = brief.call_hash != call.content_hash
        if changed_call and not brief.needs_rereview:
            brief.needs_rereview = True
            session.add(
                AuditLog(
                    at=now,
                    user_id=None,
                    action="brief_flagged",
                    target=f"brief:{brief.id}",
                    details={"call_id": call_id, "reason": "call changed"},
                )
            )
        outcome = "flagged" if brief.needs_rereview else "refreshed"
        if brief.markdown == markdown and brief.score == score and outcome == "refreshed":
            outcome = "unchanged"
        else:
            brief.markdown, brief.score, brief.updated_at = markdown, score, now
    result = DraftedBrief(call_id, brief.id, lang, score, outcome)
    if out_dir is not None:
        md, page, docx = (brief_path(out_dir, call_id, lang, ext) for ext in ("md", "html", "docx"))
        out_dir.mkdir(parents=True, exist_ok=True)
        md.write_text(markdown, encoding="utf-8")
        page.write_text(render_html(context, markdown), encoding="utf-8")
        result.files = [md, page, render_docx(context, docx)]
    return result


def draft_briefs(
    database_url: str,
    *,
    min_score: float,
    lang: str,
    out_dir: Path,
    min_fit: float = 0.0,
    call_ids: Sequence[str] = (),
    limit: int | None = None,
    today: dt.date | None = None,
) -> list[DraftedBrief]:
    """Draft briefs for the promising calls plus the calls chosen by hand; one transaction."""
    check_lang(lang)
    with session_scope(database_url) as session:
        scores = best_scores(session)
        chosen = promising_calls(session, min_score, min_fit, scores)[:limit]
        picked = {call_id for call_id, _ in chosen}
        chosen += [(call_id, scores.get(call_id)) for call_id in call_ids if call_id not in picked]
        return [
            draft_brief(session, call_id, lang, score=score, out_dir=out_dir, today=today) for call_id, score in chosen
        ]
