"""Charts rendered on the server as inline SVG: no JavaScript library, no CDN.

Each chart is an `<svg role="img">` with a <title> and a <desc> that states the figures in words;
the pages also show the same figures as a table, so nothing depends on seeing the picture.
Colours come from CSS classes (`chart-*`) styled by the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 22
BAR_GAP = 10
LABEL_WIDTH = 130
VALUE_WIDTH = 120
CHART_WIDTH = 480


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, body: str) -> SafeString:
    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=desc,
        body=mark_safe(body),  # noqa: S308 (built below from escaped parts only)
    )


def bar_chart(
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, int, str]],
    *,
    unit: str = "",
    width: int = CHART_WIDTH,
) -> SafeString:
    """Horizontal bars: (label, count, share) per item, longest bar = largest count. Drawn at
    its natural size (`width` pixels; text at the page's size), shrinking on narrow screens."""
    top = max((count for _label, count, _share in items), default=0) or 1
    span = width - LABEL_WIDTH - VALUE_WIDTH
    parts: list[str] = []
    for index, (label, count, pct) in enumerate(items):
        y = index * (BAR_HEIGHT + BAR_GAP)
        bar = 0 if count == 0 else max(2, round(span * count / top))
        parts.append(
            f'<g class="chart-row"><text class="chart-label" x="{LABEL_WIDTH - 8}" '
            f'y="{y + BAR_HEIGHT * 0.7:.1f}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="chart-track" x="{LABEL_WIDTH}" y="{y}" width="{span}" '
            f'height="{BAR_HEIGHT}" rx="2"/>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{bar}" '
            f'height="{BAR_HEIGHT}" rx="2"/>'
            f'<text class="chart-value" x="{LABEL_WIDTH + span + 8}" '
            f'y="{y + BAR_HEIGHT * 0.7:.1f}">{count} ({escape(pct)}%)</text></g>'
        )
    height = max(1, len(items)) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    desc = "; ".join(f"{label}: {count}{unit} ({pct}%)" for label, count, pct in items)
    return _svg(chart_id, title, desc, width, height, "".join(parts))


def donut_chart(
    chart_id: str, title: str, part: int, whole: int, pct: str, part_label: str, rest_label: str
) -> SafeString:
    """A ring: the part's share of the whole in the accent colour, the rest in grey."""
    size, radius, stroke = 220, 80, 34
    circumference = 2 * math.pi * radius
    fraction = Decimal(part) / Decimal(whole) if whole else Decimal(0)
    arc = float(fraction) * circumference
    centre = size / 2
    body = (
        f'<circle class="chart-rest" cx="{centre}" cy="{centre}" r="{radius}" fill="none" '
        f'stroke-width="{stroke}"/>'
        f'<circle class="chart-part" cx="{centre}" cy="{centre}" r="{radius}" fill="none" '
        f'stroke-width="{stroke}" stroke-dasharray="{arc:.2f} {circumference - arc:.2f}" '
        f'transform="rotate(-90 {centre} {centre})"/>'
        f'<text class="chart-centre" x="{centre}" y="{centre + 4}" text-anchor="middle">'
        f"{escape(pct)}%</text>"
        f'<text class="chart-centre-sub" x="{centre}" y="{centre + 26}" text-anchor="middle">'
        f"{escape(part_label)}</text>"
    )
    desc = f"{part_label}: {part} ({pct}%); {rest_label}: {whole - part}"
    return _svg(chart_id, title, desc, size, size, body)
