"""The briefing's charts as PNG images for its Word document (matplotlib, drawn off-screen). The
page draws the same figures with ECharts; the document needs pictures Word and WPS show as they
are. Chinese labels need a CJK font on the machine (Debian: fonts-noto-cjk; docs/dispatch.md)."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from functools import cache
from typing import Any

logger = logging.getLogger(__name__)

# Tried in order; the first the machine has draws the labels.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "SimSun",
)
COLOURS = ("#c0392b", "#2c6fbb", "#27ae60", "#e67e22", "#8e44ad", "#16a085")


@cache
def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    available = {font.name for font in font_manager.fontManager.ttflist}
    family = next((name for name in CJK_FAMILIES if name in available), None)
    if family is None:
        logger.warning("no CJK font found for the briefing's charts: install fonts-noto-cjk")
    else:
        matplotlib.rcParams["font.sans-serif"] = [family, *matplotlib.rcParams["font.sans-serif"]]
        matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    return pyplot


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    _pyplot().close(figure)
    return buffer.getvalue()


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | None], *, unit: str = "") -> bytes:
    """Horizontal bars, largest at the top, each with its value written beside it."""
    pyplot = _pyplot()
    height = max(2.0, 0.38 * len(labels) + 1.0)
    figure, axes = pyplot.subplots(figsize=(6.3, height))
    shown = [0 if value is None else value for value in values]
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, shown, color=COLOURS[0])
    axes.set_yticks(positions, labels)
    axes.set_title(title, fontsize=12)
    for position, value in zip(positions, values, strict=True):
        axes.text(
            (0 if value is None else value),
            position,
            "  —" if value is None else f"  {value:,.1f}{unit}",
            va="center",
            fontsize=8,
        )
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(x=0.18)
    return _png(figure)


def line_chart(
    title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]], *, unit: str = ""
) -> bytes:
    """Lines over periods; a period without a value leaves a gap, not a zero."""
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(6.3, 3.0))
    for index, (name, values) in enumerate(series.items()):
        axes.plot(
            list(labels),
            [float("nan") if v is None else v for v in values],
            marker="o",
            label=name,
            color=COLOURS[index % len(COLOURS)],
        )
    axes.set_title(title, fontsize=12)
    if unit:
        axes.set_ylabel(unit)
    axes.legend(fontsize=8, loc="lower left", ncols=min(4, len(series)))
    axes.tick_params(axis="x", labelsize=7, rotation=20)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)
