"""The URL <-> view state round trip: every view setting survives a copied link."""
from datetime import date

import pytest

from pipeline.query import Filters
from ui.urlstate import ViewState, parse_query, restrict, share_url, to_query


@pytest.mark.parametrize("params, expected", [
    ({}, ViewState()),
    ({"country": ["CAN", "CHN"]}, ViewState(Filters(countries=("CAN", "CHN")))),
    ({"country": "can,chn"}, ViewState(Filters(countries=("CAN", "CHN")))),
    ({"country": ["CAN", "CAN"]}, ViewState(Filters(countries=("CAN",)))),
    ({"topic": ["trade"], "type": ["04", "173"]}, ViewState(Filters(topics=("trade",), types=("04", "173")))),
    ({"from": "2017-01-01", "to": "2026-02-01"},
     ViewState(Filters(date_from=date(2017, 1, 1), date_to=date(2026, 2, 1)))),
    ({"q": "canola, tariffs"}, ViewState(Filters(q="canola, tariffs"))),
    ({"prec": "month", "basis": ["explicit", "knowledge"]},
     ViewState(Filters(min_precision="month", bases=("explicit", "knowledge")))),
    ({"actor": ["Mark Carney"]}, ViewState(Filters(actors=("Mark Carney",)))),
    ({"lane": "actor", "color": "goldstein", "event": "ABCDEF0123", "rug": "1"},
     ViewState(lane="actor", color="goldstein", event="ABCDEF0123", rug=True)),
    ({"pair": ["CAN", "CHN"]}, ViewState(pair=("CAN", "CHN"))),
    ({"tab": "relations"}, ViewState(tab="relations")),
    ({"keydates": "1"}, ViewState(keydates=True)),
])
def test_urlstate_parses_valid_parameters(params, expected):
    state, notices = parse_query(params)
    assert state == expected
    assert notices == []


@pytest.mark.parametrize("params, fragment", [
    ({"country": ["Canada"]}, "country"),
    ({"from": "2017-13-45"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2020-01-01", "to": "2019-01-01"}, "from/to"),
    ({"lane": "<script>"}, "lane"),
    ({"color": "rainbow"}, "color"),
    ({"prec": "nanosecond"}, "prec"),
    ({"event": "not-an-id!"}, "event"),
    ({"basis": "guess"}, "basis"),
    ({"pair": ["CAN"]}, "pair"),
    ({"tab": "admin"}, "tab"),
    ({"utm_source": "mail"}, "utm_source"),
    ({"type": ["'; drop table"]}, "type"),
    ({"q": "a\x00b"}, "q"),
])
def test_urlstate_ignores_bad_parameters_with_notice(params, fragment):
    state, notices = parse_query(params)
    assert len(notices) == 1 and fragment in notices[0]
    # The bad value never reaches the state: everything else stays default.
    assert to_query(state) == {}


@pytest.mark.parametrize("state", [
    ViewState(),
    ViewState(Filters(countries=("CAN", "CHN"), topics=("trade",), actors=("Xi Jinping",),
                      types=("04",), date_from=date(2017, 1, 1), date_to=date(2026, 2, 1),
                      q="canola", min_precision="month", bases=("explicit",),
                      articles=("0123456789abcdef",)),
              lane="topic", color="type", event="deadbeef01", rug=True, pair=("CAN", "CHN"),
              tab="relations", keydates=True),
])
def test_urlstate_round_trips(state):
    assert parse_query(to_query(state)) == (state, [])


def test_urlstate_defaults_are_left_out_of_the_url():
    assert to_query(ViewState(lane="country", color="topic")) == {}


def test_urlstate_restrict_drops_values_not_in_the_data():
    state, _ = parse_query({"country": ["CAN", "ATA"], "topic": ["trade"], "actor": ["Nobody"]})
    kept, notices = restrict(state, countries=["CAN", "CHN"], topics=["trade"], actors=["Mark Carney"])
    assert kept.filters.countries == ("CAN",)
    assert kept.filters.topics == ("trade",)
    assert kept.filters.actors == ()
    assert len(notices) == 2


def test_urlstate_share_url_encodes_repeated_parameters():
    state = ViewState(Filters(countries=("CAN", "CHN"), q="a&b"), event="abcd1234")
    assert share_url("http://host:8501/", state) == (
        "http://host:8501/?country=CAN&country=CHN&q=a%26b&event=abcd1234")


def test_urlstate_view_doubt_and_selection_round_trip():
    from datetime import date

    from ui.urlstate import BoxSelection, ViewState, parse_query, to_query
    params = {"view": "2018-11-25..2018-12-17", "doubt": "hide", "sel": "2018-11-01..2019-01-31",
              "sel_lane": ["Canada", "China"]}
    state, notices = parse_query(params)
    assert not notices
    assert state.view == (date(2018, 11, 25), date(2018, 12, 17))
    assert state.filters.hide_doubtful
    assert state.selection == BoxSelection(date(2018, 11, 1), date(2019, 1, 31), ("Canada", "China"))
    assert to_query(state) == {"view": ["2018-11-25..2018-12-17"], "doubt": ["hide"],
                               "sel": ["2018-11-01..2019-01-31"], "sel_lane": ["Canada", "China"]}
    assert to_query(ViewState()) == {}


def test_urlstate_bad_view_is_a_notice_and_old_links_still_parse():
    from ui.urlstate import parse_query, same_view
    state, notices = parse_query({"view": "December", "country": "CAN"})
    assert state.view is None and any("view" in n for n in notices)
    assert state.filters.countries == ("CAN",)
    assert same_view({"country": "CAN,CHN"}, {"country": ["CAN", "CHN"]})
    assert not same_view({"country": "CAN"}, {"country": "CAN", "view": "2018-01-01..2018-02-01"})


def test_urlstate_many_unknown_parameters_make_one_short_notice():
    from ui.urlstate import shown_notices
    params = {f"junk{i}": "1" for i in range(300)}
    params["country"] = "CAN"
    state, notices = parse_query(params)
    assert state.filters.countries == ("CAN",)
    assert notices == ["ignored 300 unknown link parameters: junk0, junk1, junk2, … and 297 more"]
    # Whatever the notices, at most five lines are shown, the last one counting the rest.
    many = [f"ignored country='X{i}': not a valid value" for i in range(40)]
    shown = shown_notices(many)
    assert len(shown) == 5 and shown[-1] == "… and 36 more notices about this link"
    assert shown_notices(many[:5]) == many[:5]


def test_urlstate_a_long_search_is_cut_with_a_notice():
    state, notices = parse_query({"q": "tariff " * 40})
    assert len(state.filters.q) <= 200
    assert notices == ["search q cut to its first 200 characters (it had 280)"]
    assert parse_query({"q": "x" * 200}) == (ViewState(Filters(q="x" * 200)), [])
