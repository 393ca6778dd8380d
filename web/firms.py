"""Firm self-service: sign up with double opt-in, "your calls now", and the profile page a firm
reaches through the signed link in every digest (edit, pause/resume, change e-mail, unsubscribe,
download its data, delete its profile).

- Nothing is sent to a firm until it clicks the confirmation link: a sign-up is stored with
  `subscribed` false and `confirmed_at` empty.
- No account enumeration: a sign-up answers with the same page whatever is in the store. A known
  firm signing up again with its own address gets its profile link by mail; a number already
  registered under another address gets nothing. A firm the operator loaded from the business
  register without an address signs up like a new one (keyed by its matična številka).
- Links are signed, expiring and single-purpose (reports/digest/links.py); GET only shows a form,
  every change is a POST with the session's CSRF token (link scanners change nothing).
- Sign-ups and mails are limited per client address and per e-mail address.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import delete, select
from starlette.concurrency import run_in_threadpool

from fundscout.db import session_scope
from fundscout.db.models import DigestOutbox, Firm, FirmFeedback, Match, utcnow
from fundscout.fields import LEGAL_FORMS, SIZE_CLASSES
from fundscout.records import FirmRecord, content_hash
from fundscout.reference import find_municipality, municipalities, nace_divisions
from fundscout.registry import firm_id_of, registry_number
from matching.firms import firm_domains
from matching.store import match_store
from reports.digest.links import FIRM_TOKEN_AGES, BadToken, firm_token, public_url, read_firm_token
from reports.finder import matches_now
from reports.notices import send_notice
from web.auth import LoginLimiter
from web.deps import csrf_refusal, language
from web.public import page, today
from web.public_texts import TEXTS
from web.workflow import audit

router = APIRouter()
log = logging.getLogger(__name__)

SIGNUPS_PER_CLIENT_HOUR = 5
MAILS_PER_ADDRESS_DAY = 3
SKD_INPUTS = 3
_SKD = re.compile(r"\s*(\d{2}(?:\.\d{1,3})?)\b")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_limiters_lock = threading.Lock()


def _limiter(request: Request, name: str, limit: int, window: float) -> LoginLimiter:
    """A sliding-window limiter kept on the app (one per app, made on first use)."""
    with _limiters_lock:
        limiters = getattr(request.app.state, "firm_limiters", None)
        if limiters is None:
            limiters = request.app.state.firm_limiters = {}
        if name not in limiters:
            limiters[name] = LoginLimiter(max_failures=limit, window=window)
        return limiters[name]


def _admit(request: Request, email: str | None = None) -> bool:
    """Whether this client (and this address) may cause one more sign-up mail."""
    client = request.client.host if request.client else "?"
    if not _limiter(request, "signup", SIGNUPS_PER_CLIENT_HOUR, 3600).admit((client, "")):
        return False
    return email is None or _limiter(request, "mail", MAILS_PER_ADDRESS_DAY, 86400).admit(("", email))


def _choices(lang: str) -> dict[str, Any]:
    return {
        "municipalities": sorted({m.name for m in municipalities().values()}),
        "sizes": {code: (sl if lang == "sl" else en) for code, (sl, en) in SIZE_CLASSES.items()},
        "legal_forms": list(LEGAL_FORMS),
        "divisions": [(d.code, d.sl if lang == "sl" else d.en) for d in nace_divisions().values()],
        "skd_inputs": SKD_INPUTS,
    }


def _form_page(request: Request, name: str, status: int, values: dict[str, Any], errors: list[str], **extra: Any):
    lang = language(request)
    return page(request, name, status, values=values, errors=errors, **_choices(lang), **extra)


def _check(form: dict[str, Any], lang: str, *, need_number: bool) -> tuple[dict[str, Any], list[str]]:
    """Validated profile values of a form (canonical spellings), and the problems in the page language."""
    t = TEXTS[lang]
    errors: list[str] = []
    out: dict[str, Any] = {}
    for key, label in (("name", t["firm_name"]), ("email", t["email"])):
        if not (form.get(key) or "").strip():
            errors.append(t["err_required"].format(field=label))
    out["name"] = " ".join((form.get("name") or "").split())[:300]
    email = (form.get("email") or "").strip()
    if email and not _EMAIL.fullmatch(email):
        errors.append(t["err_email"])
    out["email"] = email.lower()
    if need_number:
        try:
            out["registry_number"] = registry_number(form.get("registry_number") or "")
        except ValueError:
            errors.append(t["err_registry"])
    found = find_municipality(form.get("municipality") or "")
    if found is None:
        errors.append(t["err_municipality"])
    out["municipality"] = found.name if found else ""
    for key, allowed, label in (
        ("size_class", SIZE_CLASSES, t["size"]),
        ("legal_form", LEGAL_FORMS, t["legal_form"]),
    ):
        if form.get(key) not in allowed:
            errors.append(t["err_choice"].format(field=label))
        out[key] = form.get(key) or ""
    codes, unknown = [], False
    for text in form.get("skd") or []:
        if not text.strip():
            continue
        found_code = _SKD.match(text)
        if not found_code or found_code[1][:2] not in nace_divisions():
            errors.append(t["err_skd"].format(code=text.strip()[:20]))
            unknown = True
        elif found_code[1] not in codes:
            codes.append(found_code[1])
    if not codes and not unknown:
        errors.append(t["err_required"].format(field=t["skd"]))
    out["nace_codes"] = codes
    out["description"] = (form.get("description") or "").strip()[:4000]
    out["interests"] = [p.strip() for p in (form.get("interests") or "").split(";") if p.strip()][:30]
    return out, errors


def _record(firm_id: str, values: dict[str, Any]) -> Any:
    return FirmRecord.model_validate({"firm_id": firm_id, **{k: values[k] for k in _PROFILE_FIELDS}})


_PROFILE_FIELDS = (
    "name",
    "legal_form",
    "size_class",
    "municipality",
    "nace_codes",
    "description",
    "interests",
    "email",
)


def _apply(firm: Firm, record: Any, now: dt.datetime) -> None:
    values = record.model_dump()
    for key in _PROFILE_FIELDS:
        setattr(firm, key, values[key])
    firm.domains = firm_domains(record)
    firm.content_hash = content_hash(values)
    firm.updated_at = now


def _mailed_url(request: Request, route: str, token: str) -> str:
    """A link for an e-mail: it leaves the machine, so it starts with FUNDSCOUT_PUBLIC_URL."""
    return public_url(request.app.url_path_for(route, token=token))


def _confirm_url(request: Request, firm: Firm) -> str:
    return _mailed_url(request, "confirm_form", firm_token("confirm", firm.firm_id, firm.email or ""))


def _profile_url(request: Request, firm_id: str, route: str = "profile_page") -> str:
    return str(request.url_for(route, token=firm_token("profile", firm_id)))


# --- matching a new or changed firm, off the request ---------------------------------------------------


class Rematcher:
    """Runs the store match (matching's scorer) in one background thread, so a confirmation answers
    at once: the run scores the changed firms against every call, which takes seconds on a large
    store (benchmarks/firm_confirm.py). Firms waiting for a run are `pending`; the matches page
    refreshes itself until theirs is done."""

    def __init__(self, database_url: str):
        self.database_url = database_url
        self.pending: set[str] = set()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def request(self, firm_id: str) -> None:
        with self.lock:
            self.pending.add(firm_id)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="fundscout-rematch", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            with self.lock:
                if not self.pending:
                    self.thread = None
                    return
                batch = set(self.pending)
            try:
                match_store(self.database_url, today=today())
            except Exception:  # logged; the weekly match run scores the firm anyway
                log.exception("matching after a firm's sign-up or edit failed")
            with self.lock:
                self.pending -= batch

    def is_pending(self, firm_id: str) -> bool:
        with self.lock:
            return firm_id in self.pending


def rematcher(request: Request) -> Rematcher:
    with _limiters_lock:
        worker = getattr(request.app.state, "firm_rematcher", None)
        if worker is None:
            worker = request.app.state.firm_rematcher = Rematcher(request.app.state.database_url)
        return worker


def rematch(request: Request, firm_id: str) -> None:
    rematcher(request).request(firm_id)


# --- sign-up ----------------------------------------------------------------------------------------


@router.get("/firms/signup", response_class=HTMLResponse, name="signup_form")
def signup_form(request: Request) -> HTMLResponse:
    return _form_page(request, "signup.html", 200, {}, [])


@router.post("/firms/signup", response_class=HTMLResponse, name="signup")
async def signup(request: Request) -> HTMLResponse:
    form = await request.form()
    return await _run(request, _signup, form)


async def _run(request: Request, handler: Any, form: Any, *args: Any) -> Any:
    """Run a store-and-mail handler in the thread pool (it blocks on the store and on SMTP)."""
    return await run_in_threadpool(handler, request, form, *args)


def _signup(request: Request, form: Any) -> HTMLResponse:
    lang = language(request)
    t = TEXTS[lang]
    raw = {k: form.get(k) for k in ("name", "registry_number", "email", "municipality", "size_class", "legal_form")}
    raw |= {"skd": form.getlist("skd"), "description": form.get("description"), "interests": form.get("interests")}
    if csrf_refusal(request, str(form.get("csrf_token") or "")):
        return _form_page(request, "signup.html", 403, raw, [t["err_csrf"]])
    values, errors = _check(raw, lang, need_number=True)
    if not form.get("consent"):
        errors.append(t["err_consent"])
    if errors:
        return _form_page(request, "signup.html", 400, raw, errors)
    if not _admit(request, values["email"]):
        return _form_page(request, "signup.html", 429, raw, [t["err_too_many"]])
    now = utcnow()
    mail: tuple[str, str, str] | None = None
    with session_scope(request.app.state.database_url) as session:
        _forget_stale_signups(session, now)
        firm = session.scalar(select(Firm).where(Firm.registry_number == values["registry_number"]))
        # Open to this sign-up: a new number, an unconfirmed sign-up, or a firm known only from the
        # business register (no address to ask); the confirmation mail proves the address either way.
        claimable = firm is None or (firm.confirmed_at is None and (firm.consent_at is not None or not firm.email))
        if claimable:
            firm_id = firm.firm_id if firm else firm_id_of(values["registry_number"])
            record = _record(firm_id, values)
            if firm is None:
                firm = Firm(
                    firm_id=firm_id, registry_number=values["registry_number"], subscribed=False, created_at=now
                )
                session.add(firm)
            _apply(firm, record, now)
            firm.lang, firm.consent_text, firm.consent_at = lang, t["consent_text"], now
            firm.subscribed, firm.paused = False, False
            session.flush()
            body = t["mail_confirm_body"].format(name=firm.name, url=_confirm_url(request, firm))
            mail = (firm.email or "", t["mail_confirm_subject"], body)
        elif (firm.email or "").lower() == values["email"]:
            url = _mailed_url(request, "profile_page", firm_token("profile", firm.firm_id))
            body = t["mail_known_body"].format(name=firm.name, url=url)
            mail = (values["email"], t["mail_known_subject"], body)
        audit(session, None, "firm_signup", f"firm:{firm.firm_id}")
    if mail:
        send_notice(*mail)
    return page(request, "message.html", 200, title=t["signup_sent_title"], message=t["signup_sent"])


def _forget_stale_signups(session: Any, now: dt.datetime) -> None:
    """Sign-ups never confirmed within the link's lifetime are forgotten (nothing was agreed): one
    made by the sign-up is deleted, a firm from the register only loses the address and consent."""
    cutoff = now - dt.timedelta(seconds=FIRM_TOKEN_AGES["confirm"])
    for firm in session.scalars(select(Firm).where(Firm.confirmed_at.is_(None), Firm.consent_at < cutoff)):
        if _utc(firm.created_at) >= _utc(firm.consent_at):
            session.delete(firm)
        else:
            firm.email, firm.consent_text, firm.consent_at = None, None, None


def _utc(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def _firm_of(request: Request, purpose: str, token: str, session: Any) -> tuple[Firm | None, list[str]]:
    try:
        payload = read_firm_token(purpose, token)
    except BadToken:
        return None, []
    firm = session.get(Firm, payload[0]) if payload else None
    return firm, payload


def _bad_link(request: Request) -> HTMLResponse:
    return page(request, "message.html", 404, title=None, message_key="bad_link")


def _refuse_profile_post(request: Request, firm: Firm | None, token: str, csrf: str) -> HTMLResponse | None:
    """The answer when a profile form may not go on (a bad link, or a missing or forged CSRF token)."""
    if firm is None:
        return _bad_link(request)
    if csrf_refusal(request, csrf):
        return _profile_page(request, firm, token, 403, errors=[TEXTS[language(request)]["err_csrf"]])
    return None


@router.get("/firms/confirm/{token}", response_class=HTMLResponse, name="confirm_form")
def confirm_form(request: Request, token: str) -> HTMLResponse:
    with session_scope(request.app.state.database_url) as session:
        firm, payload = _firm_of(request, "confirm", token, session)
        if firm is None or len(payload) != 2 or (firm.email or "") != payload[1]:
            return _bad_link(request)
        return page(request, "confirm.html", firm=firm, token=token)


@router.post("/firms/confirm/{token}", name="confirm")
def confirm(request: Request, token: str, csrf_token: Annotated[str, Form()] = "") -> Response:
    if csrf_refusal(request, csrf_token):
        return page(request, "message.html", 403, title=None, message_key="err_csrf")
    database_url = request.app.state.database_url
    with session_scope(database_url) as session:
        firm, payload = _firm_of(request, "confirm", token, session)
        if firm is None or len(payload) != 2 or (firm.email or "") != payload[1]:
            return _bad_link(request)
        firm.confirmed_at = firm.confirmed_at or utcnow()
        firm.subscribed, firm.paused, firm.unsubscribed_at = True, False, None
        firm_id = firm.firm_id
        audit(session, None, "firm_confirmed", f"firm:{firm_id}")
    rematch(request, firm_id)
    return RedirectResponse(_profile_url(request, firm_id, "matches_page"), status_code=303)


# --- "your calls now" and the profile -----------------------------------------------------------------


@router.get("/firms/profile/{token}/matches", response_class=HTMLResponse, name="matches_page")
def matches_page(request: Request, token: str) -> HTMLResponse:
    with session_scope(request.app.state.database_url) as session:
        firm, _ = _firm_of(request, "profile", token, session)
        if firm is None:
            return _bad_link(request)
        found = matches_now(session, firm.firm_id, today())
        computing = rematcher(request).is_pending(firm.firm_id)
        return page(request, "matches.html", firm=firm, matches=found, token=token, computing=computing)


def _state(firm: Firm) -> str:
    if firm.confirmed_at is None and firm.consent_at is not None:
        return "pending"
    if firm.subscribed:
        return "active"
    return "paused" if firm.paused else "unsubscribed"


def _profile_page(request: Request, firm: Firm, token: str, status: int = 200, **extra: Any) -> HTMLResponse:
    values = {k: getattr(firm, k) for k in _PROFILE_FIELDS}
    values["skd"] = list(firm.nace_codes or [])
    values["interests"] = "; ".join(firm.interests or [])
    return _form_page(
        request,
        "profile.html",
        status,
        values,
        extra.pop("errors", []),
        firm=firm,
        token=token,
        state=_state(firm),
        **extra,
    )


@router.get("/firms/profile/{token}", response_class=HTMLResponse, name="profile_page")
def profile_page(request: Request, token: str) -> HTMLResponse:
    with session_scope(request.app.state.database_url) as session:
        firm, _ = _firm_of(request, "profile", token, session)
        if firm is None:
            return _bad_link(request)
        return _profile_page(request, firm, token)


@router.post("/firms/profile/{token}", response_class=HTMLResponse, name="profile_save")
async def profile_save(request: Request, token: str) -> HTMLResponse:
    return await _run(request, _profile_save, await request.form(), token)


def _profile_save(request: Request, form: Any, token: str) -> HTMLResponse:
    lang = language(request)
    t = TEXTS[lang]
    database_url = request.app.state.database_url
    with session_scope(database_url) as session:
        firm, _ = _firm_of(request, "profile", token, session)
        if refusal := _refuse_profile_post(request, firm, token, str(form.get("csrf_token") or "")):
            return refusal
        raw = {k: form.get(k) for k in ("name", "municipality", "size_class", "legal_form")}
        raw |= {"skd": form.getlist("skd"), "description": form.get("description"), "interests": form.get("interests")}
        raw["email"] = firm.email or ""  # the address changes only through its own confirmation
        values, errors = _check(raw, lang, need_number=False)
        if errors:
            return _profile_page(request, firm, token, 400, errors=errors)
        try:
            _apply(firm, _record(firm.firm_id, values), utcnow())
        except ValidationError as exc:
            return _profile_page(request, firm, token, 400, errors=[str(e["msg"]) for e in exc.errors()])
        audit(session, None, "firm_profile_edited", f"firm:{firm.firm_id}")
    rematch(request, firm.firm_id)
    with session_scope(database_url) as session:
        firm = session.get(Firm, firm.firm_id)
        return _profile_page(request, firm, token, notice=t["saved"])


def _profile_action(request: Request, token: str, csrf: str, action: str) -> HTMLResponse:
    t = TEXTS[language(request)]
    with session_scope(request.app.state.database_url) as session:
        firm, _ = _firm_of(request, "profile", token, session)
        if refusal := _refuse_profile_post(request, firm, token, csrf):
            return refusal
        if action == "pause":
            firm.subscribed, firm.paused = False, True
        elif action == "resume":
            firm.subscribed, firm.paused, firm.unsubscribed_at = True, False, None
        else:  # unsubscribe
            firm.subscribed, firm.paused, firm.unsubscribed_at = False, False, utcnow()
        audit(session, None, f"firm_{action}", f"firm:{firm.firm_id}")
        return _profile_page(
            request, firm, token, notice=t[{"pause": "paused", "resume": "resumed"}.get(action, "unsubscribed")]
        )


@router.post("/firms/profile/{token}/pause", response_class=HTMLResponse, name="profile_pause")
def profile_pause(request: Request, token: str, csrf_token: Annotated[str, Form()] = "") -> HTMLResponse:
    return _profile_action(request, token, csrf_token, "pause")


@router.post("/firms/profile/{token}/resume", response_class=HTMLResponse, name="profile_resume")
def profile_resume(request: Request, token: str, csrf_token: Annotated[str, Form()] = "") -> HTMLResponse:
    return _profile_action(request, token, csrf_token, "resume")


@router.post("/firms/profile/{token}/unsubscribe", response_class=HTMLResponse, name="profile_unsubscribe")
def profile_unsubscribe(request: Request, token: str, csrf_token: Annotated[str, Form()] = "") -> HTMLResponse:
    return _profile_action(request, token, csrf_token, "unsubscribe")


@router.post("/firms/profile/{token}/email", response_class=HTMLResponse, name="profile_email")
def profile_email(
    request: Request, token: str, csrf_token: Annotated[str, Form()] = "", email: Annotated[str, Form()] = ""
) -> HTMLResponse:
    t = TEXTS[language(request)]
    with session_scope(request.app.state.database_url) as session:
        firm, _ = _firm_of(request, "profile", token, session)
        if refusal := _refuse_profile_post(request, firm, token, csrf_token):
            return refusal
        address = email.strip().lower()
        if not _EMAIL.fullmatch(address):
            return _profile_page(request, firm, token, 400, errors=[t["err_email"]])
        if not _admit(request, address):
            return _profile_page(request, firm, token, 429, errors=[t["err_too_many"]])
        url = _mailed_url(request, "email_form", firm_token("email", firm.firm_id, address))
        mail = (address, t["mail_email_subject"], t["mail_email_body"].format(name=firm.name, url=url))
        response = _profile_page(request, firm, token, notice=t["email_sent"])
    send_notice(*mail)
    return response


@router.get("/firms/email/{token}", response_class=HTMLResponse, name="email_form")
def email_form(request: Request, token: str) -> HTMLResponse:
    with session_scope(request.app.state.database_url) as session:
        firm, payload = _firm_of(request, "email", token, session)
        if firm is None or len(payload) != 2:
            return _bad_link(request)
        return page(request, "confirm.html", firm=firm, token=token, new_email=payload[1])


@router.post("/firms/email/{token}", response_class=HTMLResponse, name="email_confirm")
def email_confirm(request: Request, token: str, csrf_token: Annotated[str, Form()] = "") -> HTMLResponse:
    t = TEXTS[language(request)]
    if csrf_refusal(request, csrf_token):
        return page(request, "message.html", 403, title=None, message_key="err_csrf")
    with session_scope(request.app.state.database_url) as session:
        firm, payload = _firm_of(request, "email", token, session)
        if firm is None or len(payload) != 2:
            return _bad_link(request)
        firm.email, firm.updated_at = payload[1], utcnow()
        audit(session, None, "firm_email_changed", f"firm:{firm.firm_id}")
        return _profile_page(request, firm, firm_token("profile", firm.firm_id), notice=t["email_confirmed"])


@router.get("/firms/profile/{token}/data.json", name="profile_data")
def profile_data(request: Request, token: str) -> Response:
    """Everything the store holds about the firm (GDPR access), as JSON."""
    with session_scope(request.app.state.database_url) as session:
        firm, _ = _firm_of(request, "profile", token, session)
        if firm is None:
            return Response("link not valid or expired", status_code=404, media_type="text/plain")
        columns = [c.key for c in Firm.__table__.columns if c.key != "content_hash"]
        data: dict[str, Any] = {"firm": {c: getattr(firm, c) for c in columns}}
        data["matches"] = [
            {
                "call_id": m.call_id,
                "score": m.score,
                "eligible": m.eligible,
                "reasons": m.reasons,
                "computed_at": m.computed_at,
            }
            for m in session.scalars(select(Match).where(Match.firm_id == firm.firm_id).order_by(Match.call_id))
        ]
        data["feedback"] = [
            {"call_id": f.call_id, "status": f.status, "week": f.week, "received_at": f.received_at}
            for f in session.scalars(select(FirmFeedback).where(FirmFeedback.firm_id == firm.firm_id))
        ]
        data["digests"] = [
            {"week": d.week, "status": d.status, "sent_at": d.sent_at}
            for d in session.scalars(select(DigestOutbox).where(DigestOutbox.firm_id == firm.firm_id))
        ]
        body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        return Response(
            body,
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="fundscout-{firm.firm_id}.json"'},
        )


@router.post("/firms/profile/{token}/delete", response_class=HTMLResponse, name="profile_delete")
def profile_delete(
    request: Request, token: str, csrf_token: Annotated[str, Form()] = "", sure: Annotated[str, Form()] = ""
) -> HTMLResponse:
    """Erase the firm and everything kept about it; the audit log keeps only that it happened."""
    t = TEXTS[language(request)]
    with session_scope(request.app.state.database_url) as session:
        firm, _ = _firm_of(request, "profile", token, session)
        if refusal := _refuse_profile_post(request, firm, token, csrf_token):
            return refusal
        if not sure:
            return _profile_page(request, firm, token, 400, errors=[t["err_sure"]])
        for table in (Match, FirmFeedback, DigestOutbox):
            session.execute(delete(table).where(table.firm_id == firm.firm_id))
        session.delete(firm)
        audit(session, None, "firm_deleted", "firm:deleted")
    return page(request, "message.html", 200, title=None, message=t["deleted"])
