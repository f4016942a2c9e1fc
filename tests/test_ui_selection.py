"""Chart selections: a clicked point opens its event, selected aggregate cells give a date range."""
from datetime import date

import pytest

from ui.selection import drill_range, event_from_points

TRACES = [["e1", "e2"], ["e3"]]


@pytest.mark.parametrize("points, expected", [
    ([{"customdata": "abc", "curve_number": 0, "point_index": 0}], "abc"),
    ([{"curve_number": 1, "point_index": 0}], "e3"),
    ([{"curve_number": 0, "point_index": 1}], "e2"),
    ([{"curve_number": 5, "point_index": 0}, {"curve_number": 0, "point_index": 0}], "e1"),
    ([{"curve_number": 0, "point_index": 9}], ""),
    ([{"customdata": ["2018-01-01", "2018-12-31"], "curve_number": 7, "point_index": 0}], ""),
    ([], ""),
    (None, ""),
])
def test_selection_event_from_points(points, expected):
    assert event_from_points(points, TRACES) == expected


@pytest.mark.parametrize("points, expected", [
    ([{"customdata": ["2018-01-01", "2018-12-31"]}], (date(2018, 1, 1), date(2018, 12, 31))),
    ([{"customdata": ["2019-01-01", "2019-12-31"]}, {"customdata": ["2017-01-01", "2017-12-31"]}],
     (date(2017, 1, 1), date(2019, 12, 31))),
    ([{"customdata": ["bad", "2019-12-31"]}], None),
    ([{"customdata": "e1"}], None),
    ([], None),
])
def test_selection_drill_range(points, expected):
    assert drill_range(points) == expected


@pytest.mark.parametrize("cells, bounds, expected", [
    (["2010-01-01", "2019-12-31"], (date(2013, 5, 1), date(2026, 1, 16)), (date(2013, 5, 1), date(2019, 12, 31))),
    (["2026-01-01", "2026-12-31"], (date(2013, 5, 1), date(2026, 1, 16)), (date(2026, 1, 1), date(2026, 1, 16))),
    (["2000-01-01", "2000-12-31"], (date(2013, 5, 1), date(2026, 1, 16)), (date(2013, 5, 1), date(2013, 5, 1))),
])
def test_selection_drill_range_is_clipped_to_the_data(cells, bounds, expected):
    assert drill_range([{"customdata": cells}], bounds) == expected
