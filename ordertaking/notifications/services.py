"""Every write of the notifications app.

`notify` is called by the other chapters' services inside their transaction: the in-app rows are
part of that transaction (a rollback leaves none); e-mail and department webhooks are queued only
once it commits, and retried by the job queue (tasks.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import BooleanField, CharField, Model, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.audit.services import event_record, rows_insert
from ordertaking.common.errors import NotFound, PermissionDenied, ValidationFailed
from ordertaking.common.prepared import Prepared
from ordertaking.common.refdata import refdata_cached

from .models import EMAIL_BY_DEFAULT, DepartmentWebhook, Kind, Notification, NotificationPreference, UserSetting
from .selectors import email_choices, language_supported
from .tasks import notification_mail_send, webhook_post

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def _plain(value: Any) -> Any:
    """Params are stored as JSON: plain strings and numbers (a Decimal or date becomes its text), or a
    text in each language ({"zh-hans": ..., "en": ...}), shown in the reader's."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict) and value and all(k in LANGUAGE_CODES for k in value):
        return {str(k): str(v) for k, v in value.items()}
    return str(value)


def notify(*, recipients: Iterable[Any], kind: str, params: dict[str, Any] | None = None,
           url: str = "", subject: Model | None = None, actor: Any | None = None) -> list[Notification]:
    """One in-app notification per active recipient (never the actor themself, each user once), in
    the caller's transaction (inside `events_batched`, written with its events: the rows returned get their pks
    when the block ends); after commit, an e-mail to those who want this kind by e-mail and a
    post to each of the recipients' departments that has a webhook."""
    kind = Kind(kind).value  # an unknown kind is a programming error: ValueError
    clean = {str(k): _plain(v) for k, v in (params or {}).items()}
    actor_id = getattr(actor, "pk", None)
    users: list[Any] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen or user.pk == actor_id:
            continue
        seen.add(user.pk)
        users.append(user)
    if not users:
        return []
    subject_type, subject_id, subject_ref = None, "", ""
    if subject is not None:
        subject_type = ContentType.objects.get_for_model(subject)  # cached after the first time
        subject_id = str(subject.pk)
        subject_ref = str(getattr(subject, "number", "") or subject)[:200]
    now = timezone.now()
    rows = [Notification(recipient=u, kind=kind, params=clean, url=url[:300], subject_type=subject_type,
                         subject_id=subject_id, subject_ref=subject_ref, actor=actor if actor_id else None,
                         created_at=now)
            for u in users]
    # Inside an order's submission or approval (audit's events_batched) the rows are inserted by the statement
    # that writes the transaction's audit events, before it commits: their pks are read only after the commit.
    rows_insert(rows)
    mailed, hooks = _choices_and_hooks(users, kind)
    to_mail = [n for n, u in zip(rows, users, strict=True) if u.email and u.pk in mailed]
    actor_name = str(actor) if actor_id else ""
    if to_mail or hooks:
        def queue() -> None:
            for n in to_mail:
                notification_mail_send(n.pk)
            for hook_id in hooks:
                webhook_post(hook_id, kind, clean, actor_name)

        transaction.on_commit(queue)
    return rows


def _choices_and_webhooks(user_ids: list[int], kind: str) -> QuerySet[Any]:
    """The users' e-mail choices for `kind` and every active department webhook, as one `UNION ALL`: (user id,
    by e-mail, "") for a choice, (webhook id, False, its department) for a webhook."""
    choices = (NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).order_by()
               .annotate(department=Value("", output_field=CharField()))
               .values_list("user_id", "by_email", "department"))
    webhooks = (DepartmentWebhook.objects.filter(active=True).order_by()
                .annotate(by_email=Value(False, output_field=BooleanField()))
                .values_list("pk", "by_email", "department"))
    return choices.union(webhooks, all=True)


def _one_users_choices_and_webhooks(user_id: int, kind: str) -> QuerySet[Any]:
    return _choices_and_webhooks([user_id], kind)


# A notification to one person (the rep told of the return, an assignee of a task) is the common case: its read
# is compiled once per process (common/prepared.py). The cache (_choices_and_hooks) spares it only inside an
# order's submission or approval; every other service and job reads it at each call.
_ONE_USER: Prepared[Any] = Prepared(_one_users_choices_and_webhooks)


def _choices_and_hooks(users: list[Any], kind: str) -> tuple[frozenset[int], tuple[int, ...]]:
    """Which recipients want this kind by e-mail (their choice, else the kind's default), and the active webhooks
    of the departments (roles) they belong to. Inside a block that adopted the reference data version (an order's
    submission or approval) read once per process, version, kind and set of recipients (common/refdata.py;
    apps.py names the tables); anywhere else read at every call."""
    # Ids, not the user objects: a filter holding model instances deep-copies them at every clone.
    user_ids = sorted(u.pk for u in users)
    return refdata_cached(f"notifications.choices:{kind}:{','.join(map(str, user_ids))}",
                          lambda: _choices_and_hooks_read(user_ids, kind))


def _choices_and_hooks_read(user_ids: list[int], kind: str) -> tuple[frozenset[int], tuple[int, ...]]:
    """Choices and webhooks come in one statement (a webhook row is told apart by its department, which a choice
    row leaves empty); the recipients' departments are read only when a webhook exists."""
    rows = (_ONE_USER.rows(user_id=user_ids[0], kind=kind) if len(user_ids) == 1 else
            _choices_and_webhooks(user_ids, kind))
    chosen: dict[int, bool] = {}
    hooks: list[tuple[int, str]] = []
    for pk, by_email, department in rows:
        if department:
            hooks.append((pk, department))
        else:
            chosen[pk] = by_email
    default = Kind(kind) in EMAIL_BY_DEFAULT
    mailed = frozenset(pk for pk in user_ids if chosen.get(pk, default))
    return mailed, _department_webhooks(user_ids, hooks)


def _department_webhooks(user_ids: list[int], hooks: list[tuple[int, str]]) -> tuple[int, ...]:
    """Of the active webhooks (pk, department), those of the departments the recipients belong to."""
    if not hooks:
        return ()
    departments = set(Group.objects.filter(user__in=user_ids, name__in={d for _pk, d in hooks})
                      .values_list("name", flat=True))
    return tuple(sorted(pk for pk, d in hooks if d in departments))


# ------------------------------------------------------------------ the reader's side

def notification_read(*, actor: Any, notification: Notification) -> Notification:
    """Mark one notification read. Only its recipient may; reading is not a business event, so
    nothing is audited."""
    if notification.recipient_id != actor.pk:
        raise NotFound(_("No such notification."), code="not_found")
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notifications_read_all(*, actor: Any) -> int:
    """Mark all of the actor's unread notifications read; how many were."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


def notification_preferences_set(*, actor: Any, user: Any, by_email: dict[str, Any]) -> dict[str, bool]:
    """Which kinds the user also wants by e-mail (in the app always). A user sets only their own.
    Kinds not named keep their choice. Audited: who changed what they receive."""
    if actor.pk != user.pk:
        raise PermissionDenied(_("You choose only your own notifications."), code="permission_denied")
    wanted: dict[str, bool] = {}
    for key, value in (by_email or {}).items():
        if key not in Kind.values:
            raise ValidationFailed(_("Unknown kind of notification."), code="invalid", field=str(key))
        if not isinstance(value, bool):
            raise ValidationFailed(_("Say yes or no."), code="invalid", field=str(key))
        wanted[key] = value
    with transaction.atomic():
        from django.contrib.auth import get_user_model

        get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one change at a time
        before = email_choices(user)
        changed = {k: v for k, v in wanted.items() if before[k] != v}
        for kind, value in changed.items():
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"by_email": value})
        after = email_choices(user)
        if changed:
            event_record(actor=actor, action="notification.preferences_changed", subject=user, clause="P3",
                         before={"email_kinds": sorted(k for k, v in before.items() if v)},
                         after={"email_kinds": sorted(k for k, v in after.items() if v)})
    return after


def user_language_set(*, user: Any, language: str) -> bool:
    """Remember the language the user reads in (for what is written to them later, e-mail)."""
    if not getattr(user, "is_authenticated", False) or not language_supported(language):
        return False
    UserSetting.objects.update_or_create(user=user, defaults={"language": language})
    return True


def _webhook_facts(hook: DepartmentWebhook) -> dict[str, Any]:
    return {"department": hook.department, "url": hook.url, "active": hook.active}


def department_webhook_recorded(*, hook: DepartmentWebhook, actor: Any, before: DepartmentWebhook | None,
                                deleted: bool = False) -> None:
    """The administrator added, changed or removed a department's webhook (in the admin site, inside
    its transaction): where the company's notifications go is on the record; the secret never is,
    only that it changed."""
    if deleted:
        event_record(actor=actor, action="department_webhook.removed", subject=hook, clause="P3",
                     before=_webhook_facts(hook))
        return
    if before is None:
        event_record(actor=actor, action="department_webhook.added", subject=hook, clause="P3",
                     after=_webhook_facts(hook))
        return
    old, new = _webhook_facts(before), _webhook_facts(hook)
    changed = {k for k in new if old[k] != new[k]}
    secret_changed = before.secret != hook.secret
    if not changed and not secret_changed:
        return
    event_record(actor=actor, action="department_webhook.changed", subject=hook, clause="P3",
                 before={k: old[k] for k in sorted(changed)},
                 after={**{k: new[k] for k in sorted(changed)}, **({"secret_changed": True} if secret_changed else {})})
