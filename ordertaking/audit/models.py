"""The append-only event log behind every timeline (P1.3 accurate information, P4.2.a, P6.1.a).

Rows are only ever inserted. The admin offers no change or delete, the API no
write, and database triggers (triggers.py, re-created after every migrate) refuse
UPDATE and DELETE on both SQLite and PostgreSQL, so not even a stray ORM call can
rewrite history. And because someone with the database in hand can still lift the
triggers, every event is hash-chained within its stream (chain.py) and the chains are
sealed daily: `ordertaking verify-audit` names what was changed, removed or inserted.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("actor"))
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True,
                                  help_text="kept even if the user is renamed")
    action = models.CharField(_("action"), max_length=64)
    clause = models.CharField(_("clause"), max_length=16, blank=True)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    subject_label = models.CharField(_("subject"), max_length=100, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    message = models.TextField(_("message"), blank=True)
    # The hash chain (chain.py): the record's stream, the place in it, the link and the seal of the content.
    stream = models.CharField(max_length=140, default="")
    seq = models.PositiveBigIntegerField(default=0)
    prev_hash = models.CharField(max_length=64, default="", blank=True)
    hash = models.CharField(max_length=64, default="", blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "at"], name="audit_subject_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]
        constraints = [
            # seq 0 is "not chained": only a row written behind event_record's back has it.
            models.UniqueConstraint(fields=["stream", "seq"], condition=models.Q(seq__gt=0),
                                    name="audit_stream_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.subject_label}"


class StreamHead(models.Model):
    """The newest event of each stream. event_record locks this row (and only this one), so two
    writers to the same order queue while writers to different records never wait on each other.
    `sealed_*` is the head the last daily seal recorded."""

    stream = models.CharField(max_length=140, primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="", blank=True)
    sealed_seq = models.PositiveBigIntegerField(default=0)
    sealed_hash = models.CharField(max_length=64, default="", blank=True)

    class Meta:
        verbose_name = _("audit stream")
        verbose_name_plural = _("audit streams")

    def __str__(self) -> str:
        return f"{self.stream} #{self.seq}"
