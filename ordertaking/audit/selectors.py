"""Reads of the audit log (P6.1.a supervision, P4.2.a order information trail)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ordertaking.common.errors import PermissionDenied, ValidationFailed

from . import chain
from .labels import describe_events
from .models import AuditEvent, StreamHead
from .services import subject_key

# Dates a filter may name: wide enough for any real record, narrow enough that a day's bounds
# (midnight in Shanghai, the next midnight, both in UTC) never leave Python's date range.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(9998, 12, 31)
# Ids fit the database's 64-bit integer; a larger number is bad input, not a 500.
ID_MAX = 2**63 - 1

SORTS = {"at": ("at", "id"), "-at": ("-at", "-id"), "action": ("action", "-at", "-id"),
         "actor": ("actor_name", "-at", "-id"), "subject": ("subject_label", "-at", "-id")}


def timeline_for(subject: models.Model) -> QuerySet[AuditEvent]:
    """Every event about one subject, oldest first."""
    subject_type, subject_id = subject_key(subject)
    return AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id).select_related(
        "actor").order_by("at", "id")


def actors_of(subject: models.Model, actions: tuple[str, ...]) -> set[int]:
    """The ids of everyone who did one of `actions` to `subject` (who wrote what is read from the
    trail itself, which nobody can rewrite)."""
    return actors_of_each([subject], actions).get(subject_key(subject)[1], set())


def actors_of_each(subjects: list[models.Model], actions: tuple[str, ...]) -> dict[str, set[int]]:
    """`actors_of` for several subjects of one model in one query, by subject id."""
    if not subjects:
        return {}
    subject_type = subject_key(subjects[0])[0]
    rows = (AuditEvent.objects.filter(subject_type=subject_type, subject_id__in=[str(s.pk) for s in subjects],
                                      action__in=actions, actor_id__isnull=False)
            .order_by().values_list("subject_id", "actor_id").distinct())
    out: dict[str, set[int]] = {}
    for subject_id, actor_id in rows:
        out.setdefault(subject_id, set()).add(actor_id)
    return out


def timeline(subject: models.Model) -> list[AuditEvent]:
    """The one timeline renderer's data (P4.2.a, P6.1.a): every event about `subject`, oldest first,
    each with its translated `description` and its `changes` in words; render with
    `audit/_timeline.html`. The order, review, customer, inquiry and credit pages all use it."""
    return describe_events(timeline_for(subject))


# --- reading the log through the confidentiality rule (P4.1.c) -------------------------------------------

# fn(user, events): masks, in memory only, what the reader may not see of each described event (its
# before, after, changes and note); handed down by confidentiality (ConfidentialityConfig.ready). The
# stored events are never touched: their hashes stay what the chain recorded.
_READERS: list[Callable[[Any, list[Any]], None]] = []


def event_reader_set(fn: Callable[[Any, list[Any]], None]) -> None:
    _READERS[:] = [fn]


# fn(q) -> the events whose message (note) the search for `q` must not look into: the notes that may be a
# confidential value (by action), and every note when `q` names a value the log masks inside free text. So the
# search cannot tell a reader which event holds a value the log shows them masked (P4.1.c). Handed down by
# confidentiality with the reader; before/after are never searched.
_NOTES_HIDDEN: list[Callable[[str], models.Q]] = []


def event_notes_hidden_set(fn: Callable[[str], models.Q]) -> None:
    _NOTES_HIDDEN[:] = [fn]


def text_match(q: str) -> models.Q:
    """The free-text search of the log: the subject's label (an order number, a customer's company name) and
    the message of events whose message is never confidential (P4.1.c; docs/conventions.md)."""
    in_message = models.Q(message__icontains=q)
    for fn in _NOTES_HIDDEN:
        in_message &= ~fn(q)
    return models.Q(subject_label__icontains=q) | in_message


def events_as_read(user: Any, events: Iterable[Any]) -> list[Any]:
    """The events described (`describe_events`) as `user` may read them: the audit log's page and API."""
    described = describe_events(events)
    for fn in _READERS:
        fn(user, described)
    return described


def _start_of(day: date) -> datetime:
    """Midnight of `day` in the company's time zone (dates on screen are Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def event_search(*, user: Any, action: str = "", actor_id: int | None = None, date_from: date | None = None,
                 date_to: date | None = None, q: str = "", clause: str = "", sort: str = "-at",
                 ) -> QuerySet[AuditEvent]:
    """The audit log as one supervisor sees it (P6.1.a): only holders of `audit_view` read it."""
    if not user.has_perm("accounts.audit_view"):
        raise PermissionDenied("reading the audit log needs the audit_view capability (P6.1.a)")
    for name, day in (("date_from", date_from), ("date_to", date_to)):
        if day is not None and not DATE_MIN <= day <= DATE_MAX:
            raise ValidationFailed(f"{name} must lie between {DATE_MIN} and {DATE_MAX}", field=name)
    if actor_id is not None and not 1 <= actor_id <= ID_MAX:
        raise ValidationFailed("actor_id is not a user id", field="actor_id")
    qs = AuditEvent.objects.all()
    if action:
        qs = qs.filter(action=action)
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if date_from:
        qs = qs.filter(at__gte=_start_of(date_from))
    if date_to:
        qs = qs.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    if q and q.strip():
        qs = qs.filter(text_match(q.strip()))
    if clause:
        qs = qs.filter(clause__iexact=clause.strip())
    return qs.order_by(*SORTS.get(sort, SORTS["-at"]))


def known_actions() -> list[str]:
    """Every action written so far, for the filter menu."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


# subject type -> (url name, whether the URL takes the label (order number) or the id)
SUBJECT_URLS = {
    "orders.order": ("orders:detail", "label"),
    "customers.customer": ("customers:detail", "id"),
    "inquiries.inquiry": ("inquiries:detail", "id"),
}


def subject_url(event: AuditEvent) -> str:
    """A link to the subject's page, when it has one (order numbers are links everywhere)."""
    target = SUBJECT_URLS.get(event.subject_type)
    if target is None:
        return ""
    name, arg = target
    value = event.subject_label if arg == "label" else event.subject_id
    if not value or (arg == "id" and not str(value).isdigit()):
        return ""  # an event whose subject has no page address (a deleted subject keeps its label only)
    return reverse(name, args=[value])


# --- verification of the hash chain (P1.3, P4.2.a, P6.1.a) -------------------------------------------------

CHANGED, REMOVED, INSERTED, PROTECTION = "changed", "removed", "inserted", "protection"


@dataclass
class AuditProblem:
    """One finding: an event `changed` (its content no longer matches its hash, or differs from what a
    seal recorded), `removed` (a gap in its stream, or a stream shorter than its head or seal),
    `inserted` (not in any chain, or not linking to the event before it), or `protection` missing."""

    kind: str
    stream: str
    seq: int | None = None
    seq_to: int | None = None
    event: AuditEvent | None = None
    detail: str = ""
    subject_type: str = ""
    subject_id: str = ""
    subject_label: str = ""

    def __str__(self) -> str:
        where = (self.stream or "(no stream)") + (f" #{self.seq}" if self.seq else "") + (
            f"-{self.seq_to}" if self.seq_to and self.seq_to != self.seq else "")
        ident = f" (event id {self.event.pk}, {self.event.action} at {self.event.at:%Y-%m-%d %H:%M:%S})" \
            if self.event else ""
        return f"{self.kind.upper()}: {where}{ident}: {self.detail}"


@dataclass
class AuditReport:
    streams: int = 0
    events: int = 0
    seals: int = 0
    last_seal_at: datetime | None = None
    problems: list[AuditProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        return {kind: sum(1 for p in self.problems if p.kind == kind)
                for kind in (CHANGED, REMOVED, INSERTED, PROTECTION)}


def _sealed_heads(report: AuditReport) -> dict[str, tuple[int, str, datetime]]:
    """Replay the seals in order: stream -> (seq, hash, seal time) of the newest seal naming it. A seal
    whose recorded root does not match the heads sealed so far was itself tampered with."""
    sealed: dict[str, tuple[int, str]] = {}
    sealed_at: dict[str, datetime] = {}
    for seal in AuditEvent.objects.filter(stream=chain.SEAL_STREAM, seq__gt=0).order_by("seq", "id"):
        data = seal.after if isinstance(seal.after, dict) else {}
        moved = data.get("heads")
        for stream, head in (moved.items() if isinstance(moved, dict) else ()):
            try:
                sealed[stream] = (int(head[0]), str(head[1]))
            except (TypeError, ValueError, IndexError, KeyError):
                continue
            sealed_at[stream] = seal.at
        if data.get("root") != chain.heads_root(sealed) or data.get("streams") != len(sealed):
            report.problems.append(AuditProblem(
                CHANGED, seal.stream, seal.seq, event=seal, subject_type=seal.subject_type,
                detail=_("The seal does not match the records sealed before it.")))
        report.seals += 1
        report.last_seal_at = seal.at
    return {s: (seq, h, sealed_at[s]) for s, (seq, h) in sealed.items()}


def _subject_of(stream: str) -> tuple[str, str]:
    subject_type, _sep, subject_id = stream.partition(":")
    return subject_type, subject_id


def audit_verify(*, user: Any) -> AuditReport:
    """The verification as the auditor's page and the API run it: needs the `audit_verify` capability."""
    if not user.has_perm("accounts.audit_verify"):
        raise PermissionDenied("verifying the audit log needs the audit_verify capability (P6.1.a)")
    return audit_chains_verify()


def audit_chains_verify(*, using: str = "default") -> AuditReport:
    """Recompute every chain and name each event that was changed, removed or inserted (P6.1.a).

    One pass over the log in (stream, seq) order, holding one stream at a time, plus the stream
    heads and the seals. The one caller-independent check behind `ordertaking verify-audit`, the
    auditor's page and GET /api/v1/audit/verify (those through audit_verify, which checks the capability)."""
    from .triggers import triggers_missing

    report = AuditReport()
    if triggers_missing(using):
        report.problems.append(AuditProblem(
            PROTECTION, "", detail=_("The append-only protection of the audit table is missing or switched off.")))
    sealed = _sealed_heads(report)
    heads = {h.stream: (h.seq, h.hash) for h in StreamHead.objects.using(using).all()}
    seen: set[str] = set()

    def problem(kind: str, stream: str, seq: int | None, detail: str, event: AuditEvent | None = None,
                seq_to: int | None = None, label: str = "") -> None:
        subject_type, subject_id = _subject_of(stream) if event is None else (event.subject_type, event.subject_id)
        report.problems.append(AuditProblem(kind, stream, seq, seq_to, event, detail, subject_type, subject_id,
                                            event.subject_label if event else label))

    def close(stream: str, last_seq: int, last_hash: str, label: str) -> None:
        """The end of one stream: its head row and its last seal must agree with what is there."""
        head = heads.get(stream)
        if head is None:
            problem(INSERTED, stream, 1, _("The record's events were written around the application."),
                    seq_to=last_seq, label=label)
        elif head[0] > last_seq:
            problem(REMOVED, stream, last_seq + 1, _("The newest events of the record are missing."),
                    seq_to=head[0], label=label)
        elif head[0] < last_seq:
            problem(INSERTED, stream, head[0] + 1, _("Events were appended around the application."), seq_to=last_seq,
                    label=label)
        elif head[1] != last_hash:
            problem(CHANGED, stream, last_seq, _("The newest event differs from the one the application wrote."),
                    label=label)
        seal = sealed.get(stream)
        if seal is not None and seal[0] > last_seq and (head is None or head[0] <= last_seq):
            problem(REMOVED, stream, last_seq + 1,
                    _("Sealed on %(date)s but missing now.") % {"date": f"{seal[2]:%Y-%m-%d}"},
                    seq_to=seal[0], label=label)

    stream: str | None = None
    expected, prev_hash, last_seq, label = 1, "", 0, ""
    earlier: set[str] = {""}
    events = AuditEvent.objects.using(using).order_by("stream", "seq", "id").select_related(None)
    for ev in events.iterator(chunk_size=2000):
        report.events += 1
        if ev.seq <= 0 or not ev.stream:
            problem(INSERTED, ev.stream, None,
                    _("The event is not part of any chain: it was written around the application."), event=ev)
            continue
        if ev.stream != stream:
            if stream is not None:
                close(stream, last_seq, prev_hash, label)
            stream, expected, prev_hash, last_seq, label = ev.stream, 1, "", 0, ""
            earlier = {""}
            seen.add(stream)
        label = ev.subject_label or label
        gap = ev.seq > expected
        if gap:
            problem(REMOVED, ev.stream, expected, _("Missing from the sequence of the record's events."),
                    seq_to=ev.seq - 1, label=label)
        if ev.seq < expected:
            problem(INSERTED, ev.stream, ev.seq, _("A second event with the same number."), event=ev)
            continue
        # An event that does not link to its predecessor, nor to any earlier event of its record, does not
        # belong here (inserted, or moved from elsewhere). One that links to an earlier event was pushed
        # along by an insertion before it; its own content is judged by its hash like any other.
        if not gap and ev.prev_hash != prev_hash and ev.prev_hash not in earlier:
            problem(INSERTED, ev.stream, ev.seq, _("It does not follow the event before it: inserted or reordered."),
                    event=ev)
        elif ev.stream != chain.stream_of(ev.subject_type, ev.subject_id) \
                or chain.event_hash(chain.content_of(ev), ev.prev_hash) != ev.hash:
            problem(CHANGED, ev.stream, ev.seq, _("Its content no longer matches its fingerprint."), event=ev)
        earlier.add(ev.hash)
        seal = sealed.get(ev.stream)
        if seal is not None and seal[0] == ev.seq and seal[1] != ev.hash:
            problem(CHANGED, ev.stream, ev.seq,
                    _("It differs from the seal of %(date)s: it, or an event before it, was rewritten.")
                    % {"date": f"{seal[2]:%Y-%m-%d}"}, event=ev)
        expected, prev_hash, last_seq = ev.seq + 1, ev.hash, ev.seq
    if stream is not None:
        close(stream, last_seq, prev_hash, label)
    for lost in sorted(set(heads) - seen):
        if heads[lost][0] > 0:
            problem(REMOVED, lost, 1, _("Every event of the record is missing."), seq_to=heads[lost][0])
    for lost in sorted(set(sealed) - seen - set(heads)):
        problem(REMOVED, lost, 1, _("Sealed on %(date)s but every event is missing now.")
                % {"date": f"{sealed[lost][2]:%Y-%m-%d}"},
                seq_to=sealed[lost][0])
    report.streams = len(seen)
    return report


def problem_record_name(problem: AuditProblem) -> str:
    """What kind of record a finding is about, in words ("order", "customer", "daily seal")."""
    from django.apps import apps

    if problem.subject_type == chain.SEAL_SUBJECT_TYPE:
        return _("daily seal")
    app_label, _dot, model_name = problem.subject_type.partition(".")
    try:
        return str(apps.get_model(app_label, model_name)._meta.verbose_name)
    except (LookupError, ValueError):
        return _("record")
