"""Charts drawn as inline SVG on the server, for admin pages.

No JavaScript and no chart library: the machines have no internet and the CSP allows only our own
files, so each chart is an `<svg role="img">` with an `aria-label` summary and a `<title>` per bar
(the tooltip a mouse user sees, the text a screen reader reads).
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Bar:
    label: str  # the short axis label
    value: int
    title: str  # the full tooltip / accessible text of this bar


def _nice_ceiling(value: int) -> int:
    """The smallest 2/4/6/8/10 x 10^n at or above `value` (at least 2): the chart's top gridline.

    Always even, so the middle gridline is a whole number too.
    """
    magnitude = 1
    while True:
        for step in (2, 4, 6, 8, 10):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def column_chart(
    bars: list[Bar],
    *,
    label: str,
    width: int = 520,
    height: int = 230,
    every: int = 1,
    from_end: bool = False,
    highlight: int | None = None,
) -> SafeString:
    """Vertical bars (a time series).

    Every `every`-th axis label is printed, counted from the first bar (or from the last with
    `from_end`); the bar at index `highlight` (today) is drawn in the accent colour."""
    left, right, top, bottom = 40, 22, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    ceiling = _nice_ceiling(max((bar.value for bar in bars), default=0))
    slot = plot_w / max(len(bars), 1)
    bar_w = max(slot * 0.72, 1.0)
    parts = []
    for fraction in (0, 0.5, 1):
        y = top + plot_h - plot_h * fraction
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="chart-axis" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                width - right,
                f"{y:.1f}",
                f"{y:.1f}",
                left - 6,
                f"{y + 4:.1f}",
                _short_number(round(ceiling * fraction)),
            )
        )
    for index, bar in enumerate(bars):
        bar_h = plot_h * bar.value / ceiling
        x = left + index * slot + (slot - bar_w) / 2
        parts.append(
            format_html(
                '<rect class="{}" x="{}" y="{}" width="{}" height="{}" rx="1.5">'
                "<title>{}</title></rect>",
                "chart-bar chart-bar-today" if index == highlight else "chart-bar",
                f"{x:.1f}",
                f"{top + plot_h - bar_h:.1f}",
                f"{bar_w:.1f}",
                f"{max(bar_h, 0.0):.1f}",
                bar.title,
            )
        )
        if (len(bars) - 1 - index if from_end else index) % every == 0:
            parts.append(
                format_html(
                    '<text class="chart-axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x + bar_w / 2:.1f}",
                    height - 10,
                    bar.label,
                )
            )
    return _svg(parts, label=label, width=width, height=height)


def bar_chart(bars: list[Bar], *, label: str, width: int = 520, row: int = 36) -> SafeString:
    """Horizontal bars (a ranking): each label on its own line above its bar, the value after
    the bar. Labels start at the left edge and run right, so a long name is never clipped."""
    right, top, label_h, bar_h = 48, 4, 15, 14
    height = max(top * 2 + row * len(bars), 40)
    plot_w = width - right
    ceiling = max((bar.value for bar in bars), default=0) or 1
    parts = []
    for index, bar in enumerate(bars):
        y = top + index * row
        bar_w = plot_w * bar.value / ceiling
        parts.append(
            format_html(
                '<text class="chart-label" x="0" y="{}" text-anchor="start">{}</text>'
                '<rect class="chart-bar" x="0" y="{}" width="{}" height="{}" rx="2">'
                "<title>{}</title></rect>"
                '<text class="chart-value" x="{}" y="{}">{}</text>',
                f"{y + label_h - 3:.1f}",
                _truncate(bar.label, 60),
                f"{y + label_h:.1f}",
                f"{max(bar_w, 1.0):.1f}",
                bar_h,
                bar.title,
                f"{bar_w + 6:.1f}",
                f"{y + label_h + bar_h - 3:.1f}",
                bar.value,
            )
        )
    if not bars:
        parts.append(
            format_html(
                '<text class="chart-axis" x="{}" y="24" text-anchor="middle">{}</text>',
                width // 2,
                "No product views in this period.",
            )
        )
    return _svg(parts, label=label, width=width, height=height)


def _svg(parts: list[SafeString], *, label: str, width: int, height: int) -> SafeString:
    body = format_html_join("", "{}", ((part,) for part in parts))
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        label,
        width,
        height,
        body,
    )


def _short_number(value: int) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 10_000:
        return f"{value / 1_000:g}k"
    return str(value)


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
