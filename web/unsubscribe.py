"""The digest e-mail's unsubscribe link.

GET only asks (link scanners must not unsubscribe anyone); POST does it. The signed token is the
proof, so neither needs a login or a CSRF token, which also lets mail clients use the one-click POST
of RFC 8058 (List-Unsubscribe-Post).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from fundscout.config import settings
from reports.digest import unsubscribe
from reports.digest.links import BadToken, firm_of_unsubscribe_token
from reports.digest.mail import contact_address
from web.deps import DbSession, Lang, page
from web.i18n import PAGES
from web.workflow import audit

router = APIRouter()


def _contact() -> str:
    return contact_address(settings().smtp_url)


@router.get("/unsubscribe/{token}", response_class=HTMLResponse, name="unsubscribe_form")
def unsubscribe_form(request: Request, lang: Lang, token: str) -> HTMLResponse:
    """Asks only when the link is one of ours; a bad link is told so, with whom to write to."""
    try:
        firm_of_unsubscribe_token(token)
    except BadToken:
        return page(
            request,
            "unsubscribe.html",
            404,
            user=None,
            token=token,
            done=False,
            error=PAGES[lang]["unsubscribe_bad"],
            contact=_contact(),
        )
    return page(request, "unsubscribe.html", user=None, token=token, done=False, contact=_contact())


@router.post("/unsubscribe/{token}", response_class=HTMLResponse, name="unsubscribe")
def unsubscribe_firm(request: Request, session: DbSession, lang: Lang, token: str) -> HTMLResponse:
    try:
        firm_id = unsubscribe(request.app.state.database_url, token)
    except (BadToken, LookupError):
        return page(
            request,
            "unsubscribe.html",
            404,
            user=None,
            token=token,
            done=False,
            error=PAGES[lang]["unsubscribe_bad"],
            contact=_contact(),
        )
    audit(session, None, "unsubscribe", f"firm:{firm_id}")
    return page(request, "unsubscribe.html", user=None, token=token, done=True, contact=_contact())
