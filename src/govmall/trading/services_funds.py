"""Regulator users enter and change the funds of purchasing units (资金来源).

Purchasers only spend (orders reserve through `trading.funds`); every write here needs the
REGULATOR role and a jurisdiction covering the unit's division. Each change is audited on the
source's chain, and every change of the amount is also a signed ADJUST row of the ledger, so
the ledger of a source adds up to its amount (adjustments) and its reservation (orders).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govmall.accounts.access import require_role
from govmall.accounts.models import Organisation, User
from govmall.accounts.roles import OrgKind, Role
from govmall.audit.services import record_event
from govmall.core.errors import DomainError, NotFound, PermissionDenied
from govmall.trading.access import supervises
from govmall.trading.models import FundingSource, FundMovement, MovementKind

if TYPE_CHECKING:
    from govmall.trading.funds_import import CheckedRow, ImportReport, RowChecker, RowOutcome

MAX_IMPORT_ROWS = 10_000
MAX_AMOUNT = Decimal("999999999999.99")
YEARS = (2000, 2100)
NAME_LIMIT = 200
NOTE_LIMIT = 200
_BUDGET_LINE = re.compile(r"[A-Za-z0-9-]{1,60}")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# --- input values (forms, API and import rows all pass through these) ------------------------


def clean_amount(value: Any, *, field: str = "amount") -> Decimal:
    """Yuan ≥ 0 with at most 2 decimal places, at most 999,999,999,999.99. Text may carry a
    leading ¥ and thousands separators (what budget exports contain)."""
    number: Decimal | None = None
    if isinstance(value, Decimal):
        number = value if value.is_finite() else None
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value)) if math.isfinite(value) else None
    elif isinstance(value, str):
        text = value.strip().lstrip("¥￥").strip().replace(",", "").replace("，", "")
        number = Decimal(text) if _NUMBER.fullmatch(text) and len(text) <= 40 else None
    if (
        number is None
        or number < 0
        or number > MAX_AMOUNT
        or number != number.quantize(Decimal("0.01"))
    ):
        raise DomainError(
            "invalid_amount",
            _(
                "Enter an amount of at least 0 with at most 2 decimal places "
                "(at most 999,999,999,999.99)."
            ),
            field=field,
        )
    return number.quantize(Decimal("0.01"))


def clean_fiscal_year(value: Any) -> int:
    year: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        year = int(value)
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        raise DomainError(
            "invalid_fiscal_year",
            _("Enter a fiscal year from %(first)d to %(last)d.")
            % {"first": YEARS[0], "last": YEARS[1]},
            field="fiscal_year",
        )
    return year


def clean_budget_line(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not _BUDGET_LINE.fullmatch(text):
        raise DomainError(
            "invalid_budget_line",
            _("Enter the budget line code (预算项目编码): 1 to 60 letters, digits or hyphens."),
            field="budget_line",
        )
    return text


def _clean_text(value: Any, *, name: str, limit: int, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or _CONTROL.search(value.strip()):
        raise DomainError("invalid", _("Enter plain text on one line."), field=name)
    text = value.strip()
    if required and not text:
        raise DomainError("required", _("This field is required."), field=name)
    if len(text) > limit:
        raise DomainError(
            "too_long",
            _("At most %(limit)d characters (this has %(length)d).")
            % {"limit": limit, "length": len(text)},
            field=name,
        )
    return text


def clean_name(value: Any) -> str:
    return _clean_text(value, name="name", limit=NAME_LIMIT, required=True)


def clean_note(value: Any) -> str:
    return _clean_text(value, name="note", limit=NOTE_LIMIT, required=False)


def clean_active(value: Any) -> bool:
    if not isinstance(value, bool):
        raise DomainError("invalid", _("Enter true or false."), field="active")
    return value


def require_regulator(actor: User | None) -> User:
    """A regulator user (finance department): the only one who writes funds."""
    user = require_role(actor, Role.REGULATOR)
    if user.organisation is None or user.organisation.kind != OrgKind.REGULATOR:
        raise PermissionDenied()
    return user


def unit_for_regulator(actor: User, unit_id: Any) -> Organisation:
    """The purchasing unit `unit_id` if it lies in the regulator's jurisdiction; a missing
    unit, another kind of organisation and a unit elsewhere are the same `unknown_unit`."""
    org = None
    if isinstance(unit_id, int) and not isinstance(unit_id, bool) and 0 < unit_id < 2**63:
        org = Organisation.objects.select_related("division").filter(pk=unit_id).first()
    if org is None or org.kind != OrgKind.PURCHASER or not supervises(actor, org):
        raise DomainError(
            "unknown_unit",
            _("No purchasing unit with this id in your jurisdiction."),
            field="unit",
        )
    return org


def _locked_source(actor: User, source_id: int) -> FundingSource:
    source = (
        FundingSource.objects.select_for_update(of=("self",))
        .select_related("organisation", "organisation__division")
        .filter(pk=source_id)
        .first()
    )
    if source is None or not supervises(actor, source.organisation):
        raise NotFound()
    return source


def _duplicate(budget_line: str, fiscal_year: int) -> DomainError:
    return DomainError(
        "duplicate_budget_line",
        _("The unit already has budget line %(line)s for %(year)d.")
        % {"line": budget_line, "year": fiscal_year},
        field="budget_line",
        status=409,
    )


def _adjust(source: FundingSource, delta: Decimal, actor: User, note: str) -> None:
    FundMovement.objects.create(
        source=source,
        kind=MovementKind.ADJUST,
        amount=delta,
        actor=actor,
        note=note[:200],
        at=timezone.now(),
    )


def _create(
    actor: User, unit: Organisation, year: int, line: str, name: str, amount: Decimal, via: str
) -> FundingSource:
    """Insert a source (caller validated and holds a transaction); refuses a duplicate line
    even when a concurrent writer inserted it first (the unique constraint, in a savepoint)."""
    if FundingSource.objects.filter(organisation=unit, fiscal_year=year, budget_line=line).exists():
        raise _duplicate(line, year)
    now = timezone.now()
    try:
        with transaction.atomic():
            source = FundingSource.objects.create(
                organisation=unit,
                fiscal_year=year,
                budget_line=line,
                name=name,
                amount=amount,
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError as exc:
        raise _duplicate(line, year) from exc
    if amount:
        _adjust(source, amount, actor, _("Opening amount"))
    record_event(
        obj=source,
        action="fundingsource.created",
        actor=actor,
        after={
            "unit": unit.pk,
            "fiscal_year": year,
            "budget_line": line,
            "name": name,
            "amount": amount,
            "active": True,
            "via": via,
        },
    )
    return source


def funding_source_create(
    *,
    actor: User | None,
    unit_id: int,
    fiscal_year: int,
    budget_line: str,
    name: str,
    amount: Decimal | str,
) -> FundingSource:
    """A regulator enters a new funding source of a purchasing unit in its jurisdiction."""
    user = require_regulator(actor)
    with transaction.atomic():
        unit = unit_for_regulator(user, unit_id)
        year = clean_fiscal_year(fiscal_year)
        line = clean_budget_line(budget_line)
        clean = clean_name(name)
        money = clean_amount(amount)
        return _create(user, unit, year, line, clean, money, "manual")


def _set_amount(source: FundingSource, amount: Decimal, actor: User, note: str, via: str) -> bool:
    """Change the locked source's amount; never below what orders reserved. False if equal."""
    if amount == source.amount:
        return False
    if amount < source.reserved:
        raise DomainError(
            "amount_below_reserved",
            _("The amount cannot be less than what orders have reserved (%(reserved)s).")
            % {"reserved": source.reserved},
            field="amount",
            status=409,
            reserved=str(source.reserved),
        )
    before = source.amount
    now = timezone.now()
    updated = FundingSource.objects.filter(pk=source.pk, reserved__lte=amount).update(
        amount=amount, updated_at=now
    )
    if not updated:  # cannot happen under the row lock; the check constraint backs it up too
        raise DomainError("amount_below_reserved", _("Reserved funds changed."), field="amount")
    source.amount, source.updated_at = amount, now
    _adjust(source, amount - before, actor, note or _("Amount changed"))
    record_event(
        obj=source,
        action="fundingsource.amount_changed",
        actor=actor,
        before={"amount": before},
        after={"amount": amount, "reserved": source.reserved, "note": note, "via": via},
    )
    return True


def _set_name(source: FundingSource, name: str, actor: User) -> bool:
    if name == source.name:
        return False
    before, source.name = source.name, name
    source.updated_at = timezone.now()
    FundingSource.objects.filter(pk=source.pk).update(name=name, updated_at=source.updated_at)
    record_event(
        obj=source,
        action="fundingsource.renamed",
        actor=actor,
        before={"name": before},
        after={"name": name},
    )
    return True


def _set_active(source: FundingSource, active: bool, actor: User) -> bool:
    if active == source.active:
        return False
    source.active = active
    source.updated_at = timezone.now()
    FundingSource.objects.filter(pk=source.pk).update(active=active, updated_at=source.updated_at)
    record_event(
        obj=source,
        action="fundingsource.reactivated" if active else "fundingsource.deactivated",
        actor=actor,
        before={"active": not active},
        after={"active": active},
    )
    return True


def funding_source_update(
    *,
    actor: User | None,
    source_id: int,
    amount: Decimal | str | None = None,
    name: str | None = None,
    active: bool | None = None,
    note: str = "",
) -> FundingSource:
    """A regulator changes a source's amount (never below what is reserved), its name, or
    deactivates/reactivates it (an inactive source takes no new reservations; reservations
    already made stay). Arguments left None are not changed; each change is its own event."""
    user = require_regulator(actor)
    with transaction.atomic():
        source = _locked_source(user, source_id)
        new_amount = clean_amount(amount) if amount is not None else None
        new_name = clean_name(name) if name is not None else None
        new_active = clean_active(active) if active is not None else None
        text = clean_note(note)
        if new_name is not None:
            _set_name(source, new_name, user)
        if new_amount is not None:
            _set_amount(source, new_amount, user, text, "manual")
        if new_active is not None:
            _set_active(source, new_active, user)
        return source


# --- import ---------------------------------------------------------------------------------


def too_many_rows(limit: int) -> DomainError:
    return DomainError(
        "import_too_large",
        _("The file has more than %(limit)d rows. Nothing was imported.") % {"limit": limit},
        field="file",
        limit=limit,
    )


def funding_source_import(
    *,
    actor: User | None,
    rows: Iterable[dict[str, Any]],
    file_name: str = "",
    max_rows: int = MAX_IMPORT_ROWS,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Apply rows of a budget-system export (see `trading.funds_import`) in one transaction:
    a new (unit, year, line) is created, a known one gets the row's name and amount; faulty
    rows are reported (row number, code, field, message) and the others applied. A file
    naming a line twice reports the second row. More than `max_rows` refuses the whole file."""
    from govmall.trading.funds_import import ImportReport, RowChecker

    user = require_regulator(actor)
    report = ImportReport(file_name=file_name)
    with transaction.atomic():
        checker = RowChecker(user)
        for done, raw in enumerate(rows, start=1):
            if done > max_rows:
                raise too_many_rows(max_rows)
            report.rows.append(_import_row(user, checker, raw))
            if progress is not None and done % 500 == 0:
                progress(done)
        if progress is not None:
            progress(len(report.rows))
    return report


def _import_row(user: User, checker: RowChecker, raw: dict[str, Any]) -> RowOutcome:
    from govmall.trading.funds_import import RowOutcome

    row = int(raw.get("_row") or 0)
    try:
        checked = checker.check(raw)
        with transaction.atomic():  # a savepoint: a refused row leaves nothing behind
            return _apply(user, checked, row)
    except DomainError as exc:
        return RowOutcome(row, "error", exc.message, code=exc.code, field=exc.field)


def _apply(user: User, checked: CheckedRow, row: int) -> RowOutcome:
    from govmall.trading.funds_import import RowOutcome

    source = (
        FundingSource.objects.select_for_update(of=("self",))
        .filter(
            organisation=checked.unit,
            fiscal_year=checked.fiscal_year,
            budget_line=checked.budget_line,
        )
        .first()
    )
    if source is None:
        source = _create(
            user,
            checked.unit,
            checked.fiscal_year,
            checked.budget_line,
            checked.name,
            checked.amount,
            "import",
        )
        return RowOutcome(row, "created", _("Created."), source_id=source.pk)
    renamed = _set_name(source, checked.name, user)
    note = _("Imported from the budget system")
    changed = _set_amount(source, checked.amount, user, note, "import")
    if renamed or changed:
        return RowOutcome(row, "updated", _("Updated."), source_id=source.pk)
    return RowOutcome(row, "unchanged", _("Already up to date."), source_id=source.pk)
