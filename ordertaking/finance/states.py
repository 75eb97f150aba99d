"""The state table of dunning tasks (催收, P5.1.c). Every move goes through it.

    open ──done──▶ done
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import DunningTask, FapiaoStatus

D = DunningTask.State
F = FapiaoStatus

# An invoice's fapiao (发票), P3.6:  not_issued ──issue──▶ issued ──reverse──▶ reversed ──issue──▶ issued
# (a reversed fapiao is cancelled by a red-letter one 红字发票; the invoice may then get a new fapiao).
FAPIAO = StateTable(F, {
    "issue": Move({F.NOT_ISSUED, F.REVERSED}, F.ISSUED, "P3.6"),
    "reverse": Move({F.ISSUED}, F.REVERSED, "P3.6"),
}, refusal=_("The fapiao is %(state)s: this cannot be done now."))

DUNNING_TASK = StateTable(D, {
    "done": Move({D.OPEN}, D.DONE, "P5.1.c"),
}, refusal=_("This dunning task is already done."))
