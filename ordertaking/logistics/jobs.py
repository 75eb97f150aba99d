"""The daily check of the carriers' tallies (P2.4.c rating): the counts the services keep must equal the
record counted afresh. A carrier whose counts drifted is a failed item of the run (ops.jobs, shown to the
administrator) naming both figures; its counts are then rebuilt from the record, so ratings are right
again from the next shipment on, and a drift that comes back shows again the next day."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ordertaking.ops.jobs import job_register, job_run

from .models import Carrier
from .services import carrier_tallies_rebuild

TALLY_JOB = job_register("carrier_tallies", gettext_lazy("Daily check of the carriers' ratings against their "
                                                         "record (P2.4.c)"))


def _figures(counts: dict[str, int]) -> str:
    return _("%(delivered)s delivered, %(on_time)s on time, %(shipped)s shipped, %(damaged)s damaged") % {
        "delivered": counts["n_delivered"], "on_time": counts["n_on_time"], "shipped": counts["n_shipped"],
        "damaged": counts["n_damaged"]}


def carrier_tallies_check(*, today: date | None = None) -> list[dict[str, Any]]:
    """One run: recount under the tallies' lock (carrier_tallies_rebuild), record each drifted carrier as a
    failed item. Not retried: a second run would find the counts already rebuilt."""
    with job_run(TALLY_JOB, day=today or timezone.localdate(), raise_on_failures=False) as run:
        drift = carrier_tallies_rebuild()
        names = dict(Carrier.objects.filter(pk__in=[d["carrier_id"] for d in drift]).values_list("pk", "name"))
        for d in drift:
            run.run.failed += 1
            run.errors.append(_("%(carrier)s: the rating counted %(tallied)s; its record holds %(recounted)s. "
                                "The counts were rebuilt from the record.")
                              % {"carrier": names.get(d["carrier_id"], d["carrier_id"]),
                                 "tallied": _figures(d["tallied"]), "recounted": _figures(d["recounted"])})
        run.run.done += 1
    return drift
