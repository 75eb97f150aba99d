"""The moves of an import batch (common/states.py)."""

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import ImportBatch

S = ImportBatch.State
BATCH = StateTable(S, {
    "validate": Move({S.UPLOADED, S.READY, S.FAILED}, S.VALIDATING, "P4.1.a"),  # failed: nothing was written
    "checked": Move({S.VALIDATING}, S.READY, "P4.1.a"),
    "import": Move({S.READY}, S.IMPORTING, "P4.1.a"),
    "finish": Move({S.IMPORTING}, S.DONE, "P4.1.a"),
    "refuse": Move({S.IMPORTING}, S.READY, "P4.1.a"),  # a row became invalid: nothing written
    "fail": Move({S.UPLOADED, S.VALIDATING, S.IMPORTING}, S.FAILED, "P4.1.a"),
}, refusal=_("This import is “%(state)s”: it cannot be %(verb)s now."), verbs={
    "validate": _("checked"), "import": _("imported")})
