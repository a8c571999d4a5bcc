"""Public statistics pages with charts drawn on the server (inline SVG)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from govmall.core.errors import DomainError
from govmall.stats.charts import bar_chart, donut_chart
from govmall.stats.compliance import change_compliance, parse_period
from govmall.stats.selectors import supplier_stats


def suppliers(request: HttpRequest) -> HttpResponse:
    stats = supplier_stats()
    unit = _(" suppliers")
    charts = {
        "region": donut_chart(
            "chart-region",
            _("Share of suppliers registered in the region"),
            stats["in_region"],
            stats["total"],
            stats["in_region_share"],
            _("In the region"),
            _("Outside the region"),
        ),
        "individual": donut_chart(
            "chart-individual",
            _("Share of individual businesses"),
            stats["individual_businesses"],
            stats["total"],
            stats["individual_business_share"],
            _("Individual businesses"),
            _("Other suppliers"),
        ),
        "type": bar_chart(
            "chart-type",
            _("Suppliers by type"),
            [(r["label"], r["count"], r["share"]) for r in stats["by_type"]],
            unit=unit,
        ),
        "size": bar_chart(
            "chart-size",
            _("Suppliers by size"),
            [(r["label"], r["count"], r["share"]) for r in stats["by_size"]],
            unit=unit,
        ),
        "division": bar_chart(
            "chart-division",
            _("Suppliers by city (in the region) and province (outside)"),
            [(r["name"], r["count"], r["share"]) for r in stats["by_division"]],
            unit=unit,
            width=760,
        ),
    }
    return render(request, "stats/suppliers.html", {"stats": stats, "charts": charts})


def changes(request: HttpRequest) -> HttpResponse:
    """Returns and terminations: verification compliance, optionally over a period."""
    raw_from, raw_to = request.GET.get("from", ""), request.GET.get("to", "")
    error = ""
    try:
        start, end = parse_period(raw_from, raw_to)
    except DomainError as exc:
        error, start, end = exc.message, None, None
    stats = change_compliance(start, end)
    chart = donut_chart(
        "chart-change-compliance",
        _("Share verified within 1 working day"),
        stats["within_deadline"],
        stats["decided"],
        stats["within_deadline_share"],
        _("Within the deadline"),
        _("Late"),
    )
    return render(
        request,
        "stats/changes.html",
        {"stats": stats, "chart": chart, "error": error, "raw_from": raw_from, "raw_to": raw_to},
    )
