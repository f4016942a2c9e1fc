"""The dashboard's view state and its query-string form (pure: no Streamlit, no globals).

Every piece of view state has a short URL parameter so that a copied link reproduces the
view. Parsing never raises: unknown or malformed parameters are dropped and described in a
list of one-line notices the page shows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable, Mapping

from pipeline.query import Filters
from pipeline.records import DATE_BASES, PRECISIONS

LANES: tuple[str, ...] = ("country", "topic", "actor", "type")
COLORS: tuple[str, ...] = ("topic", "type", "goldstein")
TABS: tuple[str, ...] = ("timeline", "relations", "add")
DEFAULT_TAB = "timeline"
DEFAULT_LANE = "country"
DEFAULT_COLOR = "topic"

# Longest value kept for any single parameter: a URL is untrusted input.
_MAX_VALUE_CHARS = 200
_MAX_VALUES = 50
_UNKNOWN_NAMED = 3          # unknown parameters named in their one notice
MAX_NOTICES = 5             # notices shown under the title; the rest are counted
_ISO3 = re.compile(r"^[A-Z]{3}$")
_CAMEO = re.compile(r"^[0-9]{2,4}$")
# Ids are content hashes in practice; any short token of word characters is accepted.
_EVENT_ID = re.compile(r"^[0-9A-Za-z_\-]{1,64}$")
_ARTICLE_ID = _EVENT_ID
_TOPIC = re.compile(r"^[a-z0-9][a-z0-9_.\-/]{0,80}$")


@dataclass(frozen=True)
class BoxSelection:
    """A box drawn on the timeline: its days (inclusive) and the lanes it covers (their labels)."""

    start: date
    end: date
    lanes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ViewState:
    """Everything the URL carries: the filters plus how the timeline is drawn and what is open."""

    filters: Filters = field(default_factory=Filters)
    lane: str = DEFAULT_LANE          # swimlanes: country, topic, actor or type
    color: str = DEFAULT_COLOR        # colour by topic, type or goldstein
    event: str = ""                   # selected event id ("" = none)
    rug: bool = False                 # show article publication dates as a rug
    pair: tuple[str, ...] = ()        # relations view: two ISO3 codes
    tab: str = DEFAULT_TAB            # which view is open: timeline, relations or add
    view: tuple[date, date] | None = None   # the timeline's visible days (the zoom), None = all
    selection: BoxSelection | None = None   # a box selection on the timeline
    keydates: bool = False            # the *Key dates* panel is open (its days marked)


def _values(params: Mapping[str, object], key: str) -> list[str]:
    """All values of ``key`` as strings (a mapping may hold a str or a list of str)."""
    raw = params.get(key)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, (list, tuple)) else [str(raw)]
    out: list[str] = []
    for item in items[:_MAX_VALUES]:
        text = str(item).strip()
        # Repeated parameters and comma lists are both accepted: country=CAN,CHN.
        out.extend(part.strip() for part in text.split(",") if part.strip())
    return out


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


_KNOWN = frozenset({"country", "topic", "actor", "type", "from", "to", "q", "prec", "basis",
                    "article", "lane", "color", "event", "rug", "pair", "tab", "view", "doubt", "sel",
                    "sel_lane", "keydates"})
_SPAN_SEP = ".."


def parse_span(text: str) -> tuple[date, date] | None:
    """``"2018-11-25..2018-12-17"`` as two dates (in order), None when malformed."""
    if _SPAN_SEP not in (text or ""):
        return None
    a, _, b = text.partition(_SPAN_SEP)
    lo, hi = _parse_date(a.strip()[:10]), _parse_date(b.strip()[:10])
    if lo is None or hi is None or lo.year < 1 or hi.year > 9999:
        return None
    return (lo, hi) if lo <= hi else (hi, lo)


def format_span(span: tuple[date, date]) -> str:
    """Two dates as a ``view``/``sel`` value: ``2018-11-25..2018-12-17``."""
    return f"{span[0].isoformat()}{_SPAN_SEP}{span[1].isoformat()}"


def parse_query(params: Mapping[str, object]) -> tuple[ViewState, list[str]]:
    """Read a query-string mapping into a ViewState; bad or unknown parameters become notices."""
    notices: list[str] = []

    def keep(key: str, pattern: re.Pattern, transform=lambda s: s) -> tuple[str, ...]:
        kept: list[str] = []
        for value in _values(params, key):
            norm = transform(value)
            if len(norm) <= _MAX_VALUE_CHARS and pattern.match(norm):
                if norm not in kept:
                    kept.append(norm)
            else:
                notices.append(f"ignored {key}={_clip(value)!r}: not a valid value")
        return tuple(kept)

    # Streamlit's own embedding parameters are not ours to judge. Unknown ones make one notice,
    # however many there are (a link with 300 of them must not push the chart off the page).
    unknown = [str(key) for key in params if key not in _KNOWN and key not in ("embed", "embed_options")]
    if len(unknown) == 1:
        notices.append(f"ignored unknown parameter {_clip(unknown[0])!r}")
    elif unknown:
        named = ", ".join(_clip(k) for k in unknown[:_UNKNOWN_NAMED])
        more = f", … and {len(unknown) - _UNKNOWN_NAMED:,} more" if len(unknown) > _UNKNOWN_NAMED else ""
        notices.append(f"ignored {len(unknown):,} unknown link parameters: {named}{more}")

    countries = keep("country", _ISO3, str.upper)
    topics = keep("topic", _TOPIC, str.lower)
    actors: list[str] = []
    for value in _values(params, "actor"):
        if len(value) <= _MAX_VALUE_CHARS and value.isprintable():
            actors.append(value)
        else:
            notices.append(f"ignored actor={_clip(value)!r}: not a valid value")
    types = keep("type", _CAMEO)
    articles = keep("article", _ARTICLE_ID)
    bases: list[str] = []
    for value in _values(params, "basis"):
        if value in DATE_BASES:
            bases.append(value)
        else:
            notices.append(f"ignored basis={_clip(value)!r}: expected one of {', '.join(DATE_BASES)}")

    dates: dict[str, date | None] = {"from": None, "to": None}
    for key in dates:
        values = _values(params, key)
        if values:
            parsed = _parse_date(values[0])
            if parsed is None:
                notices.append(f"ignored {key}={_clip(values[0])!r}: expected YYYY-MM-DD")
            dates[key] = parsed
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        notices.append("ignored from/to: 'from' is after 'to'")
        dates = {"from": None, "to": None}

    def choice(key: str, allowed: tuple[str, ...], default: str) -> str:
        values = _values(params, key)
        if not values:
            return default
        if values[0] in allowed:
            return values[0]
        notices.append(f"ignored {key}={_clip(values[0])!r}: expected one of {', '.join(allowed)}")
        return default

    min_precision = choice("prec", PRECISIONS, "")
    lane = choice("lane", LANES, DEFAULT_LANE)
    color = choice("color", COLORS, DEFAULT_COLOR)
    tab = choice("tab", TABS, DEFAULT_TAB)

    q_values = _raw_first(params, "q")
    q = q_values[:_MAX_VALUE_CHARS] if q_values.isprintable() else ""
    if q_values and not q:
        notices.append("ignored q: contains control characters")
    elif len(q_values) > _MAX_VALUE_CHARS:
        notices.append(f"search q cut to its first {_MAX_VALUE_CHARS} characters "
                       f"(it had {len(q_values):,})")

    event = ""
    for value in _values(params, "event")[:1]:
        if _EVENT_ID.match(value):
            event = value
        else:
            notices.append(f"ignored event={_clip(value)!r}: not an event id")

    rug_values = _values(params, "rug")
    rug = bool(rug_values) and rug_values[0].lower() in ("1", "true", "yes", "on")
    key_values = _values(params, "keydates")
    keydates = bool(key_values) and key_values[0].lower() in ("1", "true", "yes", "on")

    pair = keep("pair", _ISO3, str.upper)
    if pair and len(pair) != 2:
        notices.append("ignored pair: expected exactly two country codes")
        pair = ()

    view = None
    for value in _values(params, "view")[:1]:
        view = parse_span(value)
        if view is None:
            notices.append(f"ignored view={_clip(value)!r}: expected YYYY-MM-DD..YYYY-MM-DD")

    doubt_values = _values(params, "doubt")
    hide_doubtful = bool(doubt_values) and doubt_values[0].lower() == "hide"
    if doubt_values and doubt_values[0].lower() not in ("hide", "show"):
        notices.append(f"ignored doubt={_clip(doubt_values[0])!r}: expected hide or show")

    selection = None
    for value in _values(params, "sel")[:1]:
        span = parse_span(value)
        if span is None:
            notices.append(f"ignored sel={_clip(value)!r}: expected YYYY-MM-DD..YYYY-MM-DD")
            continue
        lanes = []
        for raw in _raw_all(params, "sel_lane"):
            if len(raw) <= _MAX_VALUE_CHARS and raw.isprintable() and raw not in lanes:
                lanes.append(raw)
        selection = BoxSelection(span[0], span[1], tuple(lanes))

    filters = Filters(countries=countries, topics=topics, actors=tuple(dict.fromkeys(actors)),
                      types=types, date_from=dates["from"], date_to=dates["to"], q=q.strip(),
                      min_precision=min_precision, bases=tuple(dict.fromkeys(bases)),
                      articles=articles, hide_doubtful=hide_doubtful)
    return ViewState(filters, lane, color, event, rug, pair, tab, view, selection, keydates), notices


def _raw_all(params: Mapping[str, object], key: str) -> list[str]:
    """Every value of ``key`` untouched by comma splitting (lane labels may hold commas)."""
    raw = params.get(key)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, (list, tuple)) else [raw]
    return [str(x).strip() for x in items[:_MAX_VALUES] if str(x).strip()]


def _raw_first(params: Mapping[str, object], key: str) -> str:
    """The first value of ``key`` untouched by comma splitting (free text may hold commas)."""
    raw = params.get(key)
    if raw is None:
        return ""
    if isinstance(raw, (list, tuple)):
        return str(raw[0]) if raw else ""
    return str(raw)


def to_query(state: ViewState) -> dict[str, list[str]]:
    """The query-string form of ``state``: only what differs from the defaults."""
    f = state.filters
    out: dict[str, list[str]] = {}
    multi = {"country": f.countries, "topic": f.topics, "actor": f.actors, "type": f.types,
             "basis": f.bases, "article": f.articles, "pair": state.pair}
    for key, values in multi.items():
        if values:
            out[key] = list(values)
    if f.date_from:
        out["from"] = [f.date_from.isoformat()]
    if f.date_to:
        out["to"] = [f.date_to.isoformat()]
    if f.q:
        out["q"] = [f.q]
    if f.min_precision:
        out["prec"] = [f.min_precision]
    if state.lane != DEFAULT_LANE:
        out["lane"] = [state.lane]
    if state.color != DEFAULT_COLOR:
        out["color"] = [state.color]
    if state.event:
        out["event"] = [state.event]
    if state.rug:
        out["rug"] = ["1"]
    if state.keydates:
        out["keydates"] = ["1"]
    if state.tab != DEFAULT_TAB:
        out["tab"] = [state.tab]
    if f.hide_doubtful:
        out["doubt"] = ["hide"]
    if state.view:
        out["view"] = [format_span(state.view)]
    if state.selection:
        out["sel"] = [format_span((state.selection.start, state.selection.end))]
        if state.selection.lanes:
            out["sel_lane"] = list(state.selection.lanes)
    return out


def restrict(state: ViewState, *, countries: Iterable[str] = (), topics: Iterable[str] = (),
             actors: Iterable[str] = (), types: Iterable[str] = ()) -> tuple[ViewState, list[str]]:
    """Drop URL values the loaded data does not offer (so widgets never get unknown options)."""
    notices: list[str] = []
    f = state.filters

    def known(name: str, values: tuple[str, ...], options: Iterable[str]) -> tuple[str, ...]:
        allowed = set(options)
        kept = tuple(v for v in values if v in allowed)
        for v in values:
            if v not in allowed:
                notices.append(f"ignored {name}={_clip(v)!r}: not in the stored events")
        return kept

    f = replace(f, countries=known("country", f.countries, countries),
                topics=known("topic", f.topics, topics),
                actors=known("actor", f.actors, actors),
                types=known("type", f.types, types))
    return replace(state, filters=f), notices


def share_url(base: str, state: ViewState) -> str:
    """The absolute link that reproduces ``state`` when opened."""
    from urllib.parse import urlencode
    query = urlencode([(k, v) for k, vs in to_query(state).items() for v in vs])
    return base.rstrip("?") + ("?" + query if query else "")


def same_view(a: Mapping[str, object], b: Mapping[str, object]) -> bool:
    """True when two query-string mappings describe the same view (however they are spelled)."""
    return to_query(parse_query(a)[0]) == to_query(parse_query(b)[0])


def shown_notices(notices: list[str], limit: int = MAX_NOTICES) -> list[str]:
    """The notices to show: at most ``limit`` lines, the last one counting those left out."""
    if len(notices) <= limit:
        return list(notices)
    return list(notices[:limit - 1]) + [f"… and {len(notices) - limit + 1:,} more notices about this link"]
