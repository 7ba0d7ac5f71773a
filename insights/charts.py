"""Chart geometry for server-rendered SVG (templates/insights/charts/*.html draw it; no JavaScript).

Each builder returns plain numbers and labels; the templates add titles, axis labels and a data table.
"""

import re
from dataclasses import dataclass, field

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40


@dataclass
class Chart:
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    y_ticks: list = field(default_factory=list)  # [(y, label)]
    x_labels: list = field(default_factory=list)  # [(x, label)]
    bars: list = field(default_factory=list)  # [{x, y, width, height, css, title}]
    lines: list = field(default_factory=list)  # [{css, label, points: "x,y x,y", dots: [(x, y, title)]}]
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM

    @property
    def empty(self):
        return not self.bars and not any(line["dots"] for line in self.lines)


def nice_ceiling(value):
    """A round axis maximum at or above value: 1, 2, 5, 10, 20, 50…"""
    if value <= 0:
        return 1
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if step * multiple >= value:
                return step * multiple
        step *= 10


def _y_scale(maximum):
    top = nice_ceiling(maximum)
    plot_height = HEIGHT - TOP - BOTTOM

    def y(value):
        return round(HEIGHT - BOTTOM - plot_height * value / top, 1)

    return y, top


def _slots(count):
    """x centre and width for `count` evenly spaced groups across the plot."""
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(count, 1)
    return [(round(LEFT + slot * (i + 0.5), 1), slot) for i in range(count)]


# At most this many x-axis labels, so long ranges stay legible (every bar still has its own tooltip).
MAX_X_LABELS = 6


def _thin_labels(labels):
    step = -(-len(labels) // MAX_X_LABELS) or 1
    return [label for index, label in enumerate(labels) if index % step == 0]


def _format(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def stacked_bars(title, description, categories, series, value_format=_format):
    """categories: x labels; series: [(name, css class, [value per category])] stacked bottom-up."""
    totals = [sum(values[i] for _, _, values in series) for i in range(len(categories))]
    y, top = _y_scale(max(totals, default=0))
    chart = Chart(title, description)
    chart.y_ticks = [(y(v), value_format(v)) for v in (0, top / 2, top)]
    for index, ((x, slot), label) in enumerate(zip(_slots(len(categories)), categories, strict=False)):
        chart.x_labels.append((x, label))
        width = round(min(slot * 0.6, 56), 1)
        base = 0
        for name, css, values in series:
            value = values[index]
            if value:
                chart.bars.append(
                    {
                        "x": round(x - width / 2, 1),
                        "y": y(base + value),
                        "width": width,
                        "height": round(y(base) - y(base + value), 1),
                        "css": css,
                        "title": f"{label}: {value} {name}",
                    }
                )
            base += value
    chart.x_labels = _thin_labels(chart.x_labels)
    return chart


def line_chart(title, description, categories, series, unit):
    """series: [(name, css class, [value or None per category])]; gaps where a value is None."""
    values = [v for _, _, vals in series for v in vals if v is not None]
    y, top = _y_scale(max(values, default=0))
    chart = Chart(title, description)
    chart.y_ticks = [(y(v), f"{_format(round(v, 1))} {unit}") for v in (0, top / 2, top)]
    slots = _slots(len(categories))
    chart.x_labels = _thin_labels([(x, label) for (x, _), label in zip(slots, categories, strict=False)])
    for name, css, vals in series:
        dots = [
            (x, y(v), f"{label}: {name} {round(v, 1):g} {unit}")
            for (x, _), v, label in zip(slots, vals, categories, strict=False)
            if v is not None
        ]
        chart.lines.append(
            {"label": name, "css": css, "points": " ".join(f"{dx},{dy}" for dx, dy, _ in dots), "dots": dots}
        )
    return chart


# Category labels wrap onto lines of at most this many characters (breaking after spaces and slashes); the
# label column is wide enough for them at the chart's 14 px text, so nothing is cut off.
LABEL_LINE_CHARS = 20
LABEL_LINE_HEIGHT = 16


def wrap_label(label, width=LABEL_LINE_CHARS):
    """ "Hardware/Power Failures" → ["Hardware/Power", "Failures"]; a word longer than a line is split."""
    pieces = [
        word[i : i + width] for word in re.findall(r"[^\s/]+/?|/", label) for i in range(0, len(word), width)
    ]
    lines = []
    for piece in pieces:
        joiner = "" if not lines or lines[-1].endswith("/") else " "
        if lines and len(lines[-1]) + len(joiner) + len(piece) <= width:
            lines[-1] += joiner + piece
        else:
            lines.append(piece)
    return lines or [""]


def horizontal_bars(title, description, rows, css="chart-bar", highlight_css="chart-bar--highlight"):
    """rows: [(label, value, highlighted part of value)]; one bar per row, the highlighted part drawn darker."""
    bar_height = 22
    wrapped = [wrap_label(label) for label, _, _ in rows]
    row_heights = [max(30, LABEL_LINE_HEIGHT * len(lines) + 12) for lines in wrapped]
    height = TOP + sum(row_heights or [30]) + 8
    top = nice_ceiling(max((value for _, value, _ in rows), default=0))
    label_width = 170
    plot_width = WIDTH - label_width - RIGHT - 64
    chart = Chart(title, description, height=height, plot_left=label_width, plot_bottom=height - 8)
    y = TOP
    for (label, value, highlighted), lines, row_height in zip(rows, wrapped, row_heights, strict=True):
        width = round(plot_width * value / top, 1)
        repeats = f"{highlighted} repeat{'s' if highlighted != 1 else ''}"
        note = f" ({repeats})" if highlighted else ""
        chart.bars.append(
            {
                "x": label_width,
                "y": y,
                "width": width,
                "height": bar_height,
                "css": css,
                "title": f"{label}: {value}{note}",
                "label": label,
                "value": f"{value}{note}",
                "label_lines": lines,
                "value_x": round(label_width + width + 6, 1),
            }
        )
        if highlighted:
            chart.bars.append(
                {
                    "x": label_width,
                    "y": y,
                    "width": round(plot_width * highlighted / top, 1),
                    "height": bar_height,
                    "css": highlight_css,
                    "title": f"{label}: {repeats}",
                }
            )
        y += row_height
    return chart
