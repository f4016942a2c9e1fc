"""Fixed colours of the timeline: one per topic (from the taxonomy file) and one per CAMEO root.

A colour never depends on what is shown: filters, the number of events and added articles do
not move it. Topics take the palette in the order of the taxonomy file (``data/topics/*.yaml``,
file by file), so a topic appended to the taxonomy takes the next colour and no other topic's
colour changes. A topic the taxonomy does not know (an old store) gets a colour from its name.
CAMEO roots have a colour each, cool for cooperation (01-08), warm for conflict (09-20).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

# 20 distinguishable colours (none close to white or to the grey of "none"), in the order
# the taxonomy's topics take them.
TOPIC_PALETTE: tuple[str, ...] = (
    "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
    "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
    "#756bb1", "#636363", "#a55194", "#006d2c",
)
NONE_COLOR = "#9e9e9e"          # events without a topic or without a type
NO_TOPIC = "(no topic)"

# One colour per CAMEO root: verbal/material cooperation in blues and greens, verbal conflict in
# yellows and oranges, material conflict in reds, purples and browns.
ROOT_COLORS: dict[str, str] = {
    "01": "#9ecae1", "02": "#6baed6", "03": "#4292c6", "04": "#2171b5", "05": "#08519c",
    "06": "#41ab5d", "07": "#238b45", "08": "#006d2c", "09": "#c7a600", "10": "#e6a100",
    "11": "#f08c00", "12": "#e8590c", "13": "#d9480f", "14": "#c2255c", "15": "#e03131",
    "16": "#a61e4d", "17": "#862e9c", "18": "#5f3dc4", "19": "#7f2704", "20": "#3d1c02",
}

# Goldstein score: red (conflict) to blue (cooperation) through a mid grey, so that scores near
# 0 stay visible on the white page (the plain RdBu scale is white there).
GOLDSTEIN_SCALE: list[list] = [[0.0, "#b2182b"], [0.25, "#e0785a"], [0.5, "#8f8f8f"],
                               [0.75, "#5aa0d0"], [1.0, "#2166ac"]]


@lru_cache(maxsize=1)
def topic_order() -> tuple[str, ...]:
    """Topic ids in taxonomy order (the order in which they take the palette)."""
    from pipeline.topics import load_taxonomy
    return tuple(dict.fromkeys(str(t["id"]) for t in load_taxonomy() if t.get("id")))


@lru_cache(maxsize=1)
def topic_labels() -> dict[str, str]:
    """Topic id -> its label in the taxonomy ("human-rights" -> "Human rights")."""
    from pipeline.topics import load_taxonomy
    return {str(t["id"]): str(t.get("label") or t["id"]) for t in load_taxonomy() if t.get("id")}


def topic_rank(topic: str) -> int:
    """Position of a topic in the taxonomy (unknown topics after every known one)."""
    order = topic_order()
    try:
        return order.index(topic)
    except ValueError:
        return len(order)


@lru_cache(maxsize=1024)
def topic_color(topic: str) -> str:
    """The fixed colour of a topic id."""
    if not topic or topic == NO_TOPIC:
        return NONE_COLOR
    rank = topic_rank(topic)
    if rank < len(topic_order()):
        return TOPIC_PALETTE[rank % len(TOPIC_PALETTE)]
    digest = int(hashlib.sha1(topic.encode("utf-8")).hexdigest()[:8], 16)
    return TOPIC_PALETTE[digest % len(TOPIC_PALETTE)]


def ordered_topics(topics) -> tuple[str, ...]:
    """An event's topics in taxonomy order (the order of its rings on the timeline)."""
    return tuple(sorted(dict.fromkeys(topics), key=lambda t: (topic_rank(t), t)))


def root_color(root: str) -> str:
    """The fixed colour of a CAMEO root ("04"); grey when there is none."""
    return ROOT_COLORS.get(root, NONE_COLOR)


def rgba(hex_color: str, alpha: float) -> str:
    """``#rrggbb`` as an ``rgba(...)`` string with ``alpha``."""
    h = hex_color.lstrip("#")
    r, g, b = int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    return f"rgba({r},{g},{b},{alpha:g})"
