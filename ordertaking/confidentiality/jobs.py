"""The daily grant run (P4.1.c): each grant in force ending within a day is one item — its holder told
once, in the app and by e-mail as they chose (notifications' kind access_expiring). A grant that fails
is logged and counted (ops.jobs), the others go on."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext_lazy

from ordertaking.ops.jobs import job_register, job_run, run_item

from .selectors import grants_ending
from .services import grant_expiry_tell

GRANT_JOB = job_register("access_grants", gettext_lazy("Daily notice of access grants about to end (P4.1.c)"))


def grant_expiry_run(*, today: date | None = None, now: datetime | None = None,
                     raise_on_failures: bool = True) -> dict[str, int]:
    now = now or timezone.now()
    ids = grants_ending(now=now)
    counts = {"grants": len(ids), "told": 0}
    with job_run(GRANT_JOB, day=today or timezone.localdate(now), raise_on_failures=raise_on_failures) as run:
        for grant_id in ids:
            if run_item(run, f"grant {grant_id}", partial(grant_expiry_tell, grant_id=grant_id, now=now)):
                counts["told"] += 1
    return counts
