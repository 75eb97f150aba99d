"""The whistleblowing app's records (P6.1.b 举报).

- `Report`: one report, received on the public page (channel web) or by phone (entered by an
  investigator). The reporter follows it up with its **receipt code** (random, unambiguous alphabet,
  `rules.new_code`) and a **password** (stored hashed). The receipt code is the report's only name:
  no sequential id appears in any URL, page or notification.
- `Message`: the thread between the investigator(s) and the reporter (questions, answers, added
  information). The reporter never reads an investigator's name.
- `Evidence`: a file the reporter or an investigator attached (checked by the attachments app's
  type and size rules; kept here, not as a generic attachment, so no upload lands on a timeline the
  auditors read and the reporter needs no account).
- `AccessLog`: every opening of a report's content by an investigator (P6.1.b: every access is logged).
- `Attempt`: a counter row for rate limiting the public pages, in the database so it holds across
  processes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Report(models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("whistleblowing", "Received")
        ASSESSED = "assessed", pgettext_lazy("whistleblowing", "Assessed")
        INVESTIGATING = "investigating", pgettext_lazy("whistleblowing", "Under investigation")
        CONCLUDED = "concluded", pgettext_lazy("whistleblowing", "Concluded")
        ACTION_TAKEN = "action_taken", pgettext_lazy("whistleblowing", "Action taken")
        UNFOUNDED = "unfounded", pgettext_lazy("whistleblowing", "Closed as unfounded")

    class Channel(models.TextChoices):
        WEB = "web", pgettext_lazy("whistleblowing channel", "Reporting page")
        PHONE = "phone", pgettext_lazy("whistleblowing channel", "Reporting phone")

    receipt_code = models.CharField(_("receipt code"), max_length=20, unique=True)
    password_hash = models.CharField(max_length=200)
    channel = models.CharField(pgettext_lazy("whistleblowing", "channel"), max_length=10, choices=Channel.choices,
                               default=Channel.WEB)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.RECEIVED)
    state_since = models.DateTimeField(_("in this step since"), default=timezone.now)
    # what the reporter says
    what = models.TextField(_("what happened"), max_length=10000)
    when = models.CharField(pgettext_lazy("whistleblowing", "when"), max_length=200, blank=True)
    order_numbers = models.CharField(_("order numbers"), max_length=300, blank=True)
    persons = models.TextField(_("persons involved"), max_length=2000, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    reporter_name = models.CharField(_("reporter's name"), max_length=100, blank=True)
    reporter_contact = models.CharField(_("reporter's contact"), max_length=200, blank=True)
    # the investigation
    named_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                         verbose_name=_("users the report names"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("investigator"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"))
    assessment = models.TextField(_("assessment"), blank=True)
    outcome = models.TextField(pgettext_lazy("whistleblowing", "outcome"), blank=True)
    actions = models.TextField(_("actions taken"), blank=True)
    escalated_state = models.CharField(max_length=20, blank=True)  # the step it was escalated in (once per step)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("whistleblowing report")
        verbose_name_plural = _("whistleblowing reports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "state_since"], name="wb_report_state_since"),
                   models.Index(fields=["-created_at"], name="wb_report_created")]

    def __str__(self) -> str:
        return self.receipt_code

    @property
    def code_display(self) -> str:
        c = self.receipt_code
        return "-".join(c[i:i + 4] for i in range(0, len(c), 4))

    @property
    def is_open(self) -> bool:
        return self.state not in (self.State.ACTION_TAKEN, self.State.UNFOUNDED)


class Message(models.Model):
    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        INVESTIGATOR = "investigator", pgettext_lazy("whistleblowing", "The investigator")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=20, choices=Author.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    text = models.TextField(pgettext_lazy("whistleblowing", "message"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at"], name="wb_message_report")]


def new_ref() -> str:
    return uuid.uuid4().hex


def evidence_name(instance: Evidence, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"whistleblowing/{uuid.uuid4().hex}.{ext[:8]}"


class Evidence(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    ref = models.CharField(max_length=32, unique=True, default=new_ref)  # its name in URLs
    from_reporter = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    file = models.FileField(upload_to=evidence_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["report", "uploaded_at"], name="wb_evidence_report")]


class AccessLog(models.Model):
    class What(models.TextChoices):
        OPENED = "opened", _("Opened the report")
        FILE = "file", _("Downloaded a file")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=10, choices=What.choices, default=What.OPENED)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["report", "-at"], name="wb_access_report")]


class Attempt(models.Model):
    """One counted request for rate limiting (`rules` limits, `services.throttle_hit`). `key` is a hash
    of the scope and the client's address or the receipt code tried: no address is kept in clear."""

    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="wb_attempt_key_at")]
