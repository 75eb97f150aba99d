"""Writes of whistleblowing (P6.1.b 举报): a report received on the public page or entered from a phone
call, the reporter's follow-up with receipt code and password, the investigators' workflow, questions,
files, the persons a report names, every opening logged, and the daily escalation of overdue reports.

What the audit log gets: the receipt code and the state, never the report's content, the reporter or
the persons named (auditors and leadership read the audit log). Notifications carry the code only."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ordertaking.accounts.models import User
from ordertaking.accounts.roles import Role, perm
from ordertaking.attachments.services import clean_name, inspect_file
from ordertaking.audit.labels import REPORTER_ACTOR
from ordertaking.audit.services import event_record
from ordertaking.common.errors import NotFound, PermissionDenied, ValidationFailed
from ordertaking.notifications.selectors import recipients_with_role
from ordertaking.notifications.services import notify
from ordertaking.ops.jobs import job_register, job_run, run_item

from . import rules
from .models import AccessLog, Attempt, Evidence, Message, Report
from .states import OPEN, REPORT

ESCALATION_JOB = job_register("whistleblowing_escalation", _lazy("Overdue whistleblowing reports escalated"))
MAX_FILES = 5
# A hash to compare against when the receipt code is unknown, so a wrong code costs the same as a
# wrong password and the two answers cannot be told apart, not even by their time.
_DUMMY_HASH: list[str] = []

Files = Iterable[Any]


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(make_password(rules.new_password()))
    return _DUMMY_HASH[0]


def may_investigate(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(perm("whistleblowing_investigate")))


def _require_investigator(actor: Any, report: Report | None = None) -> None:
    if not may_investigate(actor):
        raise PermissionDenied(_("Only the designated investigators handle whistleblowing reports (P6.1.b)."))
    if report is not None and report.named_users.filter(pk=actor.pk).exists():
        raise NotFound(_("No such report."))


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update(of=("self",)).select_related("handler").get(pk=report.pk)


def _event(actor: Any, action: str, report: Report, *, before: str | None = None, reporter: bool = False) -> None:
    """The audit event of a report: its receipt code and state only (no content: P6.1.b)."""
    after = {"receipt_code": report.receipt_code, "report_state": report.state}
    event_record(actor=actor, action=action, subject=report, clause="P6.1.b",
                 before={"report_state": before} if before is not None and before != report.state else None,
                 after=after, actor_name=REPORTER_ACTOR if reporter else "")


def _text(value: Any, field: str, *, max_length: int, required: bool = False, label: Any = "") -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationFailed(label or _("This field is required."), field=field, code="required")
    if len(text) > max_length:
        raise ValidationFailed(_("At most %(n)s characters.") % {"n": max_length}, field=field, code="too_long")
    return text


def _check_files(files: Files, *, already: int = 0) -> list[tuple[Any, Any, str, int]]:
    """Each file checked by the attachments app's rules (type read from the bytes, size limit) before
    anything is written."""
    out = []
    items = [f for f in files if f]
    if len(items) + already > MAX_FILES * 4 or len(items) > MAX_FILES:
        raise ValidationFailed(_("At most %(n)s files at a time.") % {"n": MAX_FILES}, field="evidence",
                               code="too_many_files")
    for f in items:
        ftype, sha256, size = inspect_file(f, kind="other", field="evidence")
        out.append((f, ftype, sha256, size))
    return out


Checked = list[tuple[Any, Any, str, int]]


def _store_files(report: Report, checked: Checked, *, by: Any, stored: list[str]) -> None:
    for f, ftype, sha256, size in checked:
        ev = Evidence(report=report, from_reporter=by is None, uploaded_by=by, original_name=clean_name(f.name),
                      size=size, content_type=ftype.content_type, sha256=sha256)
        ev.file.save(ev.original_name, f, save=False)
        stored.append(ev.file.name or "")
        ev.save()


def _cleanup(stored: list[str]) -> None:
    storage = Evidence._meta.get_field("file").storage
    for name in stored:
        storage.delete(name)


def _new_report(**fields: Any) -> tuple[Report, str]:
    password = rules.new_password()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                report = Report.objects.create(receipt_code=rules.new_code(),
                                               password_hash=make_password(rules.normalise(password)), **fields)
            return report, password
        except IntegrityError:  # the same code drawn twice: about 1 in 10^17, draw again
            continue
    raise RuntimeError("no free receipt code")  # pragma: no cover


def _clean_report(*, what: str, when: str, order_numbers: str, persons: str, anonymous: bool, name: str,
                  contact: str) -> dict[str, Any]:
    d: dict[str, Any] = {"what": _text(what, "what", max_length=10000, required=True,
                       label=_("Say what happened.")),
         "when": _text(when, "when", max_length=200),
         "order_numbers": _text(order_numbers, "order_numbers", max_length=300).upper(),
         "persons": _text(persons, "persons", max_length=2000),
         "anonymous": bool(anonymous),
         "reporter_name": "" if anonymous else _text(name, "name", max_length=100),
         "reporter_contact": "" if anonymous else _text(contact, "contact", max_length=200)}
    if len(str(d["what"])) < 10:
        raise ValidationFailed(_("Say what happened in a few words more."), field="what", code="too_short")
    if not anonymous and not (d["reporter_name"] or d["reporter_contact"]):
        raise ValidationFailed(_("Give your name or a way to reach you, or choose to report anonymously."),
                               field="name", code="required")
    return d


def _investigators_for(report: Report, *, exclude: Any = None) -> list[User]:
    """The designated investigators who may see the report (never a person it names)."""
    named = set(report.named_users.values_list("pk", flat=True))
    return [u for u in recipients_with_role(Role.INVESTIGATOR, capability="whistleblowing_investigate")
            if u.pk not in named and (exclude is None or u.pk != exclude.pk)]


def _detail_url(report: Report) -> str:
    return reverse("whistleblowing:detail", args=[report.receipt_code])


def report_submit(*, what: str, when: str = "", order_numbers: str = "", persons: str = "", anonymous: bool = True,
                  name: str = "", contact: str = "", files: Files = ()) -> tuple[Report, str]:
    """P6.1.b: a report from the public page, by anyone, anonymous or by name. Returns the report and its
    password, which is shown once and never stored in clear."""
    d = _clean_report(what=what, when=when, order_numbers=order_numbers, persons=persons, anonymous=anonymous,
                      name=name, contact=contact)
    checked = _check_files(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            report, password = _new_report(channel=Report.Channel.WEB, **d)
            _store_files(report, checked, by=None, stored=stored)
            _event(None, "whistleblowing.received", report, reporter=True)
            notify(recipients=_investigators_for(report), kind="whistleblowing_received", url=_detail_url(report),
                   params={"report": report.code_display})
    except BaseException:
        _cleanup(stored)
        raise
    return report, password


def report_phone_enter(*, actor: Any, what: str, when: str = "", order_numbers: str = "", persons: str = "",
                       anonymous: bool = True, name: str = "", contact: str = "") -> tuple[Report, str]:
    """P6.1.b: a report received on the reporting phone, entered by an investigator, who reads the caller
    the receipt code and the password."""
    _require_investigator(actor)
    d = _clean_report(what=what, when=when, order_numbers=order_numbers, persons=persons, anonymous=anonymous,
                      name=name, contact=contact)
    with transaction.atomic():
        report, password = _new_report(channel=Report.Channel.PHONE, entered_by=actor, **d)
        _event(actor, "whistleblowing.received", report)
        notify(recipients=_investigators_for(report, exclude=actor), kind="whistleblowing_received",
               url=_detail_url(report), params={"report": report.code_display}, actor=actor)
    return report, password


# --- the reporter's follow-up ---------------------------------------------------------------------------

def _attempt_key(scope: str, ident: str) -> str:
    return hashlib.sha256(f"whistleblowing:{scope}:{ident}".encode()).hexdigest()


def throttle_blocked(scope: str, ident: str, *, limit: int, now: datetime | None = None) -> bool:
    """True when `ident` (an address, a receipt code) made `limit` counted attempts in `scope` within
    the window. The counter is rows in the database, so every process sees the same count."""
    now = now or timezone.now()
    window = timedelta(minutes=rules.limits()["window_minutes"])
    return Attempt.objects.filter(key=_attempt_key(scope, ident), at__gte=now - window).count() >= limit


def throttle_count(scope: str, ident: str) -> None:
    Attempt.objects.create(key=_attempt_key(scope, ident))


def report_login(*, code: str, password: str) -> Report:
    """The report a receipt code and password open, or one and the same refusal for a wrong code and a
    wrong password (the password hash is checked in both cases, in constant time)."""
    code = rules.normalise(code)
    report = Report.objects.filter(receipt_code=code).first() if code else None
    ok = check_password(rules.normalise(password), report.password_hash if report is not None else _dummy_hash())
    if report is None or not ok:
        raise ValidationFailed(_("The receipt code or the password is not right."), field="code",
                               code="wrong_code_or_password")
    return report


def reporter_add(*, report: Report, text: str, files: Files = ()) -> Message | None:
    """The reporter answers a question or adds information and files (through code and password)."""
    text = _text(text, "text", max_length=5000)
    checked = _check_files(files, already=report.files.count())
    if not text and not checked:
        raise ValidationFailed(_("Write something or choose a file."), field="text", code="required")
    stored: list[str] = []
    try:
        with transaction.atomic():
            r = _locked(report)
            if not r.is_open:
                raise ValidationFailed(_("This report is closed: nothing can be added."), field="text",
                                       code="closed")
            msg = Message.objects.create(report=r, author_kind=Message.Author.REPORTER, text=text) if text else None
            _store_files(r, checked, by=None, stored=stored)
            _event(None, "whistleblowing.reporter_added", r, reporter=True)
            to = [r.handler] if r.handler is not None and may_investigate(r.handler) else _investigators_for(r)
            if r.handler is not None and r.named_users.filter(pk=r.handler.pk).exists():
                to = _investigators_for(r)
            notify(recipients=to, kind="whistleblowing_reply", url=_detail_url(r),
                   params={"report": r.code_display})
    except BaseException:
        _cleanup(stored)
        raise
    return msg


# --- the investigators ----------------------------------------------------------------------------------

def report_open(*, actor: Any, report: Report, what: str = AccessLog.What.OPENED) -> AccessLog:
    """P6.1.b every access is logged: who opened the report's content (or downloaded a file), when."""
    _require_investigator(actor, report)
    with transaction.atomic():
        log = AccessLog.objects.create(report=report, user=actor, what=what)
        _event(actor, "whistleblowing.opened" if what == AccessLog.What.OPENED else "whistleblowing.file_opened",
               report)
    return log


MOVE_FIELDS = {"assess": "assessment", "dismiss": "assessment", "conclude": "outcome", "act": "actions"}
MOVE_ACTIONS = {"assess": "whistleblowing.assessed", "dismiss": "whistleblowing.dismissed",
                "investigate": "whistleblowing.investigating", "conclude": "whistleblowing.concluded",
                "act": "whistleblowing.action_taken"}


def report_move(*, actor: Any, report: Report, verb: str, note: str = "") -> Report:
    """P6.1.b the investigation: received → assessed (or closed as unfounded) → investigating → concluded
    → action taken. The assessment, the outcome and the actions are recorded with their step; taking it
    into investigation makes the actor its investigator."""
    if verb not in REPORT.moves:
        raise ValidationFailed(_("Unknown step."), field="verb", code="unknown_step")
    _require_investigator(actor, report)
    note = _text(note, "note", max_length=10000)
    if verb in MOVE_FIELDS and not note:
        raise ValidationFailed({"assess": _("Write the assessment."), "dismiss": _("Say why the report is unfounded."),
                                "conclude": _("Write the outcome of the investigation."),
                                "act": _("Say what action was taken.")}[verb], field="note", code="required")
    with transaction.atomic():
        r = _locked(report)
        before = r.state
        r.state = REPORT.check(r.state, verb)
        r.state_since = timezone.now()
        if verb in MOVE_FIELDS:
            setattr(r, MOVE_FIELDS[verb], note)
        if verb == "investigate":
            r.handler = actor
        r.save()
        _event(actor, MOVE_ACTIONS[verb], r, before=before)
    return r


def question_ask(*, actor: Any, report: Report, text: str) -> Message:
    """The investigator asks the reporter (who reads it on the follow-up page as "the investigator")."""
    _require_investigator(actor, report)
    text = _text(text, "text", max_length=5000, required=True, label=_("Write the question."))
    with transaction.atomic():
        r = _locked(report)
        if not r.is_open:
            raise ValidationFailed(_("This report is closed."), field="text", code="closed")
        msg = Message.objects.create(report=r, author_kind=Message.Author.INVESTIGATOR, author=actor, text=text)
        _event(actor, "whistleblowing.question_asked", r)
    return msg


def evidence_add(*, actor: Any, report: Report, files: Files) -> list[Evidence]:
    """An investigator keeps a file with the report (a recording of the call, a document found)."""
    _require_investigator(actor, report)
    checked = _check_files(files, already=report.files.count())
    if not checked:
        raise ValidationFailed(_("Choose a file to attach."), field="evidence", code="file_missing")
    stored: list[str] = []
    try:
        with transaction.atomic():
            r = _locked(report)
            _store_files(r, checked, by=actor, stored=stored)
            _event(actor, "whistleblowing.file_added", r)
    except BaseException:
        _cleanup(stored)
        raise
    return list(r.files.filter(file__in=stored))


def named_set(*, actor: Any, report: Report, users: Iterable[Any]) -> Report:
    """P6.1.b conflict of interest: the users the report names never see it, investigators included.
    Only the users are recorded here; the audit event says that the list changed, not who is on it."""
    _require_investigator(actor, report)
    chosen = list(users)
    with transaction.atomic():
        r = _locked(report)
        r.named_users.set(chosen)
        _event(actor, "whistleblowing.persons_named", r)
    return r


# --- every report is handled ----------------------------------------------------------------------------

def report_escalation_check(*, report_id: int, now: datetime) -> bool:
    """P6.1.b one report on the day: overdue in its step and not yet escalated in it → every investigator
    who may see it and leadership are told (the receipt code and its age, never its content). Under the
    report's lock, so two runs never both send."""
    r = Report.objects.select_for_update(of=("self",)).filter(pk=report_id).first()
    if r is None or r.state not in OPEN:
        return False
    if not rules.escalation_due(state=r.state, since=r.state_since, now=now, escalated_state=r.escalated_state):
        return False
    r.escalated_state = r.state
    r.save(update_fields=["escalated_state", "updated_at"])
    _event(None, "whistleblowing.escalated", r)
    days = str(max(0, (now - r.created_at).days))
    params = {"report": r.code_display, "days": days}
    notify(recipients=_investigators_for(r), kind="whistleblowing_overdue", url=_detail_url(r), params=params)
    named = set(r.named_users.values_list("pk", flat=True))
    leaders = [u for u in recipients_with_role(Role.LEADERSHIP, capability="whistleblowing_oversee")
               if u.pk not in named]
    notify(recipients=leaders, kind="whistleblowing_overdue", url=reverse("whistleblowing:oversight"),
           params=params)
    return True


def reports_escalate(*, now: datetime | None = None) -> int:
    """The daily run (tasks.py), recorded as a JobRun; each report in its own transaction. Also drops
    the rate limiter's counters older than a day."""
    now = now or timezone.now()
    ids = list(Report.objects.filter(state__in=OPEN).order_by("state_since", "id").values_list("pk", flat=True))
    done = 0
    with job_run(ESCALATION_JOB, day=timezone.localdate(now)) as run:
        for pk in ids:
            if run_item(run, f"report {pk}", functools.partial(report_escalation_check, report_id=pk, now=now)):
                done += 1
        Attempt.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return done
