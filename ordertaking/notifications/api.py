"""The inbox and the user's choices in the JSON API, mounted at /api/v1/notifications (issue 10).
Same selectors and services as the pages; titles and bodies in the request's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from ordertaking.common.api import Mapped, Paged, choice
from ordertaking.common.errors import NotFound

from . import selectors, services
from .models import Kind, Notification
from .texts import render

router = Router()


class NotificationOut(Schema):
    id: int
    kind: str = choice(Kind)
    title: str = Field(..., description="in the request's language")
    body: str = Field(..., description="in the request's language")
    params: dict[str, Any] = Field(..., description="what the text is made of (order number, reason …)")
    url: str = Field(..., description="the page it is about, on this site")
    subject: str = Field(..., description="what it is about, e.g. the order number")
    actor: str | None = Field(None, description="who acted; none for the system")
    created_at: datetime
    read_at: datetime | None = None


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class PreferenceOut(Schema):
    kind: str = choice(Kind)
    label: str
    in_app: bool = Field(True, description="always")
    by_email: bool


class PreferencesIn(Schema):
    by_email: dict[str, Any] = Field(..., description="kind → true/false; kinds not named keep their choice")


def _out(n: Notification) -> dict[str, Any]:
    text = render(n.kind, n.params, actor_name=str(n.actor) if n.actor else "")
    return {"id": n.pk, "kind": n.kind, "title": text.title, "body": text.body, "params": n.params, "url": n.url,
            "subject": n.subject_ref, "actor": str(n.actor) if n.actor else None, "created_at": n.created_at,
            "read_at": n.read_at}


def _prefs(user: Any) -> list[dict[str, Any]]:
    choices = selectors.email_choices(user)
    return [{"kind": k.value, "label": str(k.label), "in_app": True, "by_email": choices[k.value]} for k in Kind]


@router.get("", response=list[NotificationOut])
@paginate(Paged)
def notification_list(request: HttpRequest, unread: bool = False) -> Mapped:
    """The caller's notifications, unread first, newest first."""
    qs = selectors.inbox(request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return Mapped(qs, _out)


@router.get("/unread-count", response=UnreadOut)
def notification_unread_count(request: HttpRequest) -> dict[str, int]:
    return {"unread": selectors.unread_count(request.user)}


@router.post("/read-all", response=MarkedOut)
def notification_read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.notifications_read_all(actor=request.user)}


@router.get("/preferences", response=list[PreferenceOut])
def notification_preferences(request: HttpRequest) -> list[dict[str, Any]]:
    """Per kind: in the app always; by e-mail as chosen (or the default)."""
    return _prefs(request.user)


@router.put("/preferences", response=list[PreferenceOut])
def notification_preferences_put(request: HttpRequest, payload: PreferencesIn) -> list[dict[str, Any]]:
    services.notification_preferences_set(actor=request.user, user=request.user, by_email=payload.by_email)
    return _prefs(request.user)


@router.post("/{notification_id}/read", response=NotificationOut)
def notification_read(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    n = selectors.inbox(request.user).filter(pk=notification_id).first()
    if n is None:
        raise NotFound(_("No such notification."), code="not_found")
    return _out(services.notification_read(actor=request.user, notification=n))
