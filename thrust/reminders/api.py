"""Reminder routes: a member's reminder history (staff), and the unsubscribe page (no sign-in: a token)."""

from __future__ import annotations

import html
import uuid
from datetime import date, datetime
from typing import Any

from fastapi import Query
from fastapi.responses import HTMLResponse

from thrust.auth.deps import CurrentActor, SessionDep, authenticated_router, public_router
from thrust.core.schemas import ApiModel, Data
from thrust.reminders import service

router = authenticated_router(tags=["reminders"])
# Public on purpose: the link in an e-mail must work without signing in. The signed token is the key.
public = public_router(tags=["reminders"])

TOKEN = Query(min_length=10, max_length=120, description="The token from the e-mail's link.")
# What the unsubscribe link's two routes share: they answer with a page, and a link that is not (or no
# longer) valid gets a page saying so, not the API's JSON error.
UNSUBSCRIBE_ROUTE: dict[str, Any] = {
    "path": "/reminders/unsubscribe",
    "response_class": HTMLResponse,
    "responses": {
        404: {
            "description": "The link is not valid",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    },
}


class ReminderOut(ApiModel):
    stage: int
    status: str
    at: datetime
    membership_end: date
    days_left: int
    error: str | None = None


class ReminderHistoryOut(ApiModel):
    reminders: list[ReminderOut]
    unsubscribed_at: datetime | None = None


@router.get(
    "/members/{member_id}/reminders",
    response_model=Data[ReminderHistoryOut],
    summary="Expiry reminders sent to a member (staff who may see the member)",
)
def member_reminders(member_id: uuid.UUID, actor: CurrentActor, session: SessionDep) -> dict[str, Any]:
    """Each reminder stage: sent, failed, skipped or interrupted, and when; and any unsubscribe."""
    history = service.member_reminders(session, actor, member_id)
    out = ReminderHistoryOut(
        reminders=[ReminderOut.model_validate(entry, from_attributes=True) for entry in history.entries],
        unsubscribed_at=history.unsubscribed_at,
    )
    return {"data": out.model_dump(mode="json", by_alias=True)}


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}"
        "button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#F2551D;color:#fff}"
        f"</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(document, status_code=status, headers={"Cache-Control": "no-store"})


def _invalid_link() -> HTMLResponse:
    return _page(
        "Link not valid",
        "<p>This link is not valid. Ask the front desk to stop the reminders for you.</p>",
        status=404,
    )


@public.get(
    summary="The unsubscribe page of a reminder e-mail (asks to confirm; changes nothing)",
    **UNSUBSCRIBE_ROUTE,
)
def unsubscribe_page(session: SessionDep, token: str = TOKEN) -> HTMLResponse:
    """A page with one button: mail scanners that open links must not unsubscribe anyone."""
    who = service.describe_token(session, token)
    if who is None:
        return _invalid_link()
    action = html.escape(f"{service.UNSUBSCRIBE_PATH}?token={token}", quote=True)
    return _page(
        "Stop expiry reminders?",
        f"<p>Hello {html.escape(who.first_name)}, {html.escape(who.gym_name)} e-mails you before your "
        "membership ends. Stop these e-mails?</p>"
        f'<form method=post action="{action}"><button type=submit id=unsubscribe>Unsubscribe</button></form>',
    )


@public.post(
    summary="Unsubscribe from expiry reminders (the page's button, or a mail app's one-click)",
    **UNSUBSCRIBE_ROUTE,
)
def unsubscribe(session: SessionDep, token: str = TOKEN) -> HTMLResponse:
    """Record the member's wish (again is fine) and confirm it."""
    who = service.unsubscribe(session, token)
    if who is None:
        return _invalid_link()
    return _page(
        "You are unsubscribed",
        f"<p>{html.escape(who.gym_name)} will not e-mail you about your membership's end any more.</p>",
    )
