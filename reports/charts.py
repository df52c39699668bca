"""Charts for the reports page, drawn on the server as SVG by matplotlib: no JavaScript in the browser.

Each chart is an image with a text alternative (`role="img"` and a title naming what it shows); the page
puts the table of the same figures beside it, which is what a screen reader reads. Text stays text in the
SVG (not paths), ids are salted with a fixed value and no date is written, so the same figures draw the
same bytes.
"""

import functools
import io
import json
import re

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot
from matplotlib.figure import Figure

# GOV.UK Design System's colours for data, in an order that stays apart for colour-blind readers.
COLOURS = ["#1d70b8", "#f47738", "#00703c", "#912b88", "#505a5f", "#d4351c", "#ffdd00", "#28a197"]
TEXT = "#0b0c0c"

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "csprp",
        "font.family": "sans-serif",
        "font.size": 13,
        "axes.edgecolor": TEXT,
        "axes.labelcolor": TEXT,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


def _svg(figure, title):
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    pyplot.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML declaration or doctype inside a page
    # The chart is one image to assistive technology: its title says what it shows; the table beside it
    # holds the figures.
    svg = re.sub(r"<svg ", '<svg role="img" aria-label="' + _attribute(title) + '" class="app-chart" ', svg, count=1)
    # Drawn to the width of its column (the viewBox keeps the proportions), not at a fixed size in points.
    svg = re.sub(r'(<svg[^>]*?) width="[^"]+" height="[^"]+"', r"\1", svg, count=1)
    # The page's content security policy allows no inline styles: matplotlib's style attributes become
    # SVG presentation attributes (the same properties), and its stylesheet of line-join defaults goes.
    svg = re.sub(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", "", svg, flags=re.S)
    return re.sub(r'style="([^"]*)"', _presentation_attributes, svg)


def _presentation_attributes(match):
    declarations = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in declarations)


def _attribute(text):
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def bar_chart(**chart):
    """Bars for each category, one colour per series (stacked, or side by side); returns SVG markup.

    Takes `title`, `categories`, `series` (a series' label to one count per category), and optionally
    `stacked`, `xlabel`, `ylabel`, `horizontal`. The same figures draw the same bytes, so a chart drawn
    once is kept (in this process) and not drawn again.
    """
    return _drawn(json.dumps(chart, default=str))  # in the given order: series keep their colours


@functools.lru_cache(maxsize=512)
def _drawn(chart):
    return _bar_chart(**json.loads(chart))


def _bar_chart(*, title, categories, series, stacked=True, xlabel="", ylabel="Number", horizontal=False):
    figure = Figure(figsize=(6.4, 4 if not horizontal else max(2.8, 0.45 * len(categories) + 1)))
    axes = figure.subplots()
    positions = list(range(len(categories)))
    width = 0.8 if stacked else 0.8 / max(1, len(series))
    bottom = [0] * len(categories)
    for number, (label, values) in enumerate(series.items()):
        colour = COLOURS[number % len(COLOURS)]
        offsets = positions if stacked else [p - 0.4 + width * (number + 0.5) for p in positions]
        draw = axes.barh if horizontal else axes.bar
        kwargs = {"left" if horizontal else "bottom": bottom} if stacked else {}
        draw(offsets, values, width if not horizontal else width, label=label, color=colour, **kwargs)
        if stacked:
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if horizontal:
        axes.set_yticks(positions, categories)
        axes.invert_yaxis()
        axes.set_xlabel(ylabel)
    else:
        axes.set_xticks(positions, categories, rotation=45 if len(categories) > 6 else 0, ha="right")
        axes.set_ylabel(ylabel)
        if xlabel:
            axes.set_xlabel(xlabel)
    (axes.xaxis if horizontal else axes.yaxis).get_major_locator().set_params(integer=True)
    if len(series) > 1:
        axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    return _svg(figure, title)
