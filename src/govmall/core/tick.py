"""`govmall tick`: everything time causes, in one idempotent run.

Each job is a function taking no arguments and returning a short summary line; a job that fails
is reported and the others still run. Later capabilities add their jobs to JOBS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import import_module

log = logging.getLogger(__name__)

JOBS: list[str] = [
    "govmall.suppliers.deadlines.overdue_notification_job",
    "govmall.catalog.deadlines.overdue_notification_job",
    "govmall.trading.services_orders.confirm_timeout_job",
    "govmall.trading.services_quotes.quotation_close_job",
    "govmall.trading.services_awards.award_lapse_job",
    "govmall.trading.services_awards.award_overdue_job",
    "govmall.trading.contract_deadlines.contract_overdue_job",
    "govmall.trading.services_fulfilment.acceptance_overdue_job",
    "govmall.trading.services_payments.payment_overdue_job",
    "govmall.trading.services_tickets.ticket_overdue_job",
    "govmall.trading.change_clock.change_supplier_timeout_job",
    "govmall.trading.change_clock.change_verify_overdue_job",
    "govmall.audit.services.checkpoint_job",
]


def _load(path: str) -> Callable[[], str]:
    module, _, name = path.rpartition(".")
    job: Callable[[], str] = getattr(import_module(module), name)
    return job


def run_tick() -> list[tuple[str, bool, str]]:
    """Run every job; (job, ok, summary) for each."""
    results = []
    for path in JOBS:
        try:
            summary = _load(path)()
            results.append((path, True, summary))
        except Exception as exc:  # one failing job must not stop the others
            log.exception("tick job %s failed", path)
            results.append((path, False, f"{type(exc).__name__}: {exc}"))
    return results
