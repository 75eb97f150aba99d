"""The one audit vocabulary (P6.1.a) agrees with the code that writes events: every action a
service writes is one of the apps' action choices, every finding code has its words, and the
words for stored codes are the models' own choice labels, in both languages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import pytest
from django.utils import translation

from ordertaking.audit.labels import ACTION_CHOICES, ACTION_LABELS, VALUE_LABELS
from ordertaking.common.findings import FINDING_LABELS

SRC = Path(__file__).resolve().parent.parent / "ordertaking"
ACTION = re.compile(r'action=("[a-z_]+\.[a-z_]+")(?:\s+if\s+[\w.]+\s+else\s+("[a-z_]+\.[a-z_]+"))?')
FINDING = re.compile(r'Finding\(\s*(?:code=)?"([a-z_]+)"')


def _sources() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]


def test_p6_1_a_every_action_a_service_writes_is_one_of_the_apps_action_choices():
    written = {m.strip('"') for p in _sources() for pair in ACTION.findall(p.read_text(encoding="utf-8"))
               for m in pair if m}
    assert len(written) > 40
    assert written - set(ACTION_LABELS) == set()


def test_p6_1_a_each_action_belongs_to_exactly_one_apps_choices():
    values = [a.value for choices in ACTION_CHOICES for a in choices]
    assert len(values) == len(set(values))


def test_p2_3_c_every_finding_code_a_rule_raises_has_its_words():
    raised = {c for p in _sources() for c in FINDING.findall(p.read_text(encoding="utf-8"))}
    assert len(raised) > 25
    assert raised - set(FINDING_LABELS) == set()


def _model_choices() -> list[tuple[str, type, dict[str, str]]]:
    from ordertaking.accounts.roles import ROLE_LABELS
    from ordertaking.amendments.models import CancelRequest, ChangeRequest
    from ordertaking.catalog.models import PaymentMethod
    from ordertaking.credit.models import CreditHold, Guarantee
    from ordertaking.customers.models import Customer
    from ordertaking.finance.models import DunningTask
    from ordertaking.inquiries.models import Inquiry
    from ordertaking.orders.states import OrderState
    from ordertaking.review.models import SpecialApproval

    def of(choices: type) -> dict[str, str]:
        return {c.value: c.label for c in choices}  # type: ignore[attr-defined]

    return [("state", OrderState, of(OrderState)), ("state", SpecialApproval.State, of(SpecialApproval.State)),
            ("state", Inquiry.State, of(Inquiry.State)), ("state", DunningTask.State, of(DunningTask.State)),
            ("channel", Inquiry.Channel, of(Inquiry.Channel)), ("size", Customer.Size, of(Customer.Size)),
            ("status", Customer.Status, of(Customer.Status)),
            ("purchase_frequency", Customer.Frequency, of(Customer.Frequency)),
            ("value_tier", Customer.Tier, of(Customer.Tier)), ("stage", CreditHold.Stage, of(CreditHold.Stage)),
            ("kind", Guarantee.Kind, of(Guarantee.Kind)),
            ("payment_kinds", PaymentMethod.Kind, of(PaymentMethod.Kind)),
            ("roles", dict, {str(k): cast(str, v) for k, v in ROLE_LABELS.items()}),  # lazy, as the others
            ("change_request", ChangeRequest.State, of(ChangeRequest.State)),
            ("cancel_request", CancelRequest.State, of(CancelRequest.State)),
            *_vat_choices(), *_acceptance_choices()]


def _acceptance_choices() -> list[tuple[str, type, dict[str, str]]]:
    from ordertaking.deliveries.models import AcceptanceIssue, Compensation, Criterion, IssueClass, Via

    def of(choices: type) -> dict[str, str]:
        return {c.value: c.label for c in choices}  # type: ignore[attr-defined]

    return [("accepted_criteria", Criterion, of(Criterion)), ("rejected_criteria", Criterion, of(Criterion)),
            ("via", Via, of(Via)), ("issue_class", IssueClass, of(IssueClass)),
            ("issue_state", AcceptanceIssue.State, of(AcceptanceIssue.State)),
            ("compensation_state", Compensation.State, of(Compensation.State))]


def _vat_choices() -> list[tuple[str, type, dict[str, str]]]:
    from ordertaking.customers.models import InvoiceType
    from ordertaking.finance.models import FapiaoStatus

    def of(choices: type) -> dict[str, str]:
        return {c.value: c.label for c in choices}  # type: ignore[attr-defined]

    return [("invoice_type", InvoiceType, of(InvoiceType)), ("fapiao_type", InvoiceType, of(InvoiceType)),
            ("fapiao_status", FapiaoStatus, of(FapiaoStatus))]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_p6_1_a_stored_codes_read_as_the_same_words_as_the_models_choices(lang):
    with translation.override(lang):
        differ = [(key, value, str(VALUE_LABELS.get((key, value))), str(label))
                  for key, _c, labels in _model_choices() for value, label in labels.items()
                  if str(VALUE_LABELS.get((key, value))) != str(label)]
    assert differ == []
