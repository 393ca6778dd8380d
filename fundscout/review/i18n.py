"""Words of the review pages in Slovenian (default) and English."""

from __future__ import annotations

PAGES: dict[str, dict[str, str]] = {
    "sl": {
        "app": "FundScout – pregled projektnih zamisli",
        "login": "Prijava", "username": "Uporabniško ime", "password": "Geslo", "log_in": "Prijava",
        "logout": "Odjava", "bad_login": "Napačno uporabniško ime ali geslo.",
        "too_many": "Preveč neuspešnih prijav. Poskusite znova čez nekaj minut.",
        "briefs": "Osnutki", "audit": "Dnevnik dejanj",
        "status": "Stanje", "domain": "Področje", "deadline_before": "Rok do", "min_score": "Najmanjša ocena",
        "filter": "Filtriraj", "all": "vse", "call": "Razpis", "score": "Ocena", "deadline": "Rok",
        "lang": "Jezik", "updated": "Posodobljeno", "no_briefs": "Ni osnutkov, ki bi ustrezali filtru.",
        "rereview": "ponovni pregled", "rereview_title": "Razpis se je spremenil, odkar je bil osnutek pregledan",
        "changes": "Spremembe razpisa", "field": "Podatek", "old": "Prej", "new": "Zdaj", "when": "Kdaj",
        "change_status": "Spremeni stanje", "reason": "Utemeljitev (obvezna pri zavrnitvi)",
        "comments": "Komentarji", "no_comments": "Ni komentarjev.", "add_comment": "Dodaj komentar",
        "comment": "Komentar", "history": "Zgodovina", "who": "Kdo", "action": "Dejanje", "details": "Podrobnosti",
        "system": "sistem", "back": "Nazaj na seznam", "not_found": "Osnutka ni.",
        "to_status": "Novo stanje", "download_docx": "Prenesi kot Word (.docx)",
        "err_csrf": "Obrazec je potekel ali ni veljaven. Osvežite stran in poskusite znova.",
        "err_bad_transition": "Stanja »{from_status}« ni mogoče spremeniti v »{to_status}«.",
        "err_reason_required": "Zavrnitev potrebuje utemeljitev.",
        "err_empty_comment": "Komentar je prazen.",
        "err_too_long": "Besedilo je daljše od {limit} znakov.",
    },
    "en": {
        "app": "FundScout – project brief review",
        "login": "Log in", "username": "Username", "password": "Password", "log_in": "Log in",
        "logout": "Log out", "bad_login": "Wrong username or password.",
        "too_many": "Too many failed logins. Try again in a few minutes.",
        "briefs": "Drafts", "audit": "Audit log",
        "status": "Status", "domain": "Domain", "deadline_before": "Deadline by", "min_score": "Minimum score",
        "filter": "Filter", "all": "all", "call": "Call", "score": "Score", "deadline": "Deadline",
        "lang": "Language", "updated": "Updated", "no_briefs": "No drafts match the filter.",
        "rereview": "re-review", "rereview_title": "The call changed since the brief was reviewed",
        "changes": "Changes to the call", "field": "Fact", "old": "Before", "new": "Now", "when": "When",
        "change_status": "Change status", "reason": "Reason (required for a rejection)",
        "comments": "Comments", "no_comments": "No comments.", "add_comment": "Add comment",
        "comment": "Comment", "history": "History", "who": "Who", "action": "Action", "details": "Details",
        "system": "system", "back": "Back to the list", "not_found": "No such brief.",
        "to_status": "New status", "download_docx": "Download as Word (.docx)",
        "err_csrf": "The form has expired or is not valid. Reload the page and try again.",
        "err_bad_transition": "Status “{from_status}” cannot change to “{to_status}”.",
        "err_reason_required": "A rejection needs a reason.",
        "err_empty_comment": "The comment is empty.",
        "err_too_long": "The text is longer than {limit} characters.",
    },
}

STATUS_LABELS = {
    "sl": {"draft": "osnutek", "in_review": "v pregledu", "approved": "odobren", "rejected": "zavrnjen",
           "submitted": "oddan"},
    "en": {"draft": "draft", "in_review": "in review", "approved": "approved", "rejected": "rejected",
           "submitted": "submitted"},
}

ACTION_LABELS = {
    "sl": {"brief_drafted": "osnutek pripravljen", "brief_flagged": "označen za ponovni pregled",
           "status_changed": "sprememba stanja", "commented": "komentar", "login": "prijava",
           "login_failed": "neuspešna prijava", "logout": "odjava", "user_added": "nov uporabnik",
           "password_set": "novo geslo"},
    "en": {"brief_drafted": "brief drafted", "brief_flagged": "flagged for re-review",
           "status_changed": "status changed", "commented": "commented", "login": "logged in",
           "login_failed": "failed login", "logout": "logged out", "user_added": "user added",
           "password_set": "password set"},
}
