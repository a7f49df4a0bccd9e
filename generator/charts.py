"""Bar charts as inline SVG, drawn at build time. Pure.

No chart library and no script: the page stays static, nothing is fetched from another
host, and the SVG uses the theme's colours (`currentColor` for text, Material's primary
colour for bars), so it follows the light/dark palette. Each chart has a title and a
description for screen readers, and the figure caption repeats the numbers as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

_ROW = 22
_LABEL_WIDTH = 260
_BAR_WIDTH = 300
_VALUE_WIDTH = 60


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, int]]) -> str:
    """A horizontal bar chart, one row per (label, value), as one raw HTML block."""
    if not rows:
        return ""
    top = max(value for _, value in rows) or 1
    width = _LABEL_WIDTH + _BAR_WIDTH + _VALUE_WIDTH
    height = _ROW * len(rows) + 6
    description = "; ".join(f"{label}: {value}" for label, value in rows)
    parts = [
        f'<figure class="atlas-chart" id={quoteattr(chart_id)}>',
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = index * _ROW + 3
        bar = round(_BAR_WIDTH * value / top, 1)
        parts.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" font-size="13" '
            f'fill="currentColor">{escape(label)}</text>'
            f'<rect x="{_LABEL_WIDTH}" y="{y + 2}" width="{bar}" height="{_ROW - 6}" rx="2" '
            'style="fill:var(--md-primary-fg-color)"/>'
            f'<text x="{_LABEL_WIDTH + bar + 6}" y="{y + 15}" font-size="13" '
            f'fill="currentColor">{value}</text>'
        )
    parts.append("</svg>")
    parts.append(f"<figcaption>{escape(title)}</figcaption>")
    parts.append("</figure>")
    return "".join(parts)
