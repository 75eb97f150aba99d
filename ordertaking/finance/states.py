"""The state table of dunning tasks (催收, P5.1.c). Every move goes through it.

    open ──done──▶ done
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ordertaking.common.states import Move, StateTable

from .models import DunningTask

D = DunningTask.State

DUNNING_TASK = StateTable(D, {
    "done": Move({D.OPEN}, D.DONE, "P5.1.c"),
}, refusal=_("This dunning task is already done."))
