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


def test_selection_box_lists_only_events_inside_it():
    from datetime import date

    import numpy as np

    from ui.selection import box_from_selection, events_in_box
    categories = ["United States", "China", "Canada"]          # bottom lane first
    box = box_from_selection({"x": ["2018-10-31 22:00", "2019-01-31 06:00"], "y": [0.6, 2.4]}, categories)
    assert box == (date(2018, 11, 1), date(2019, 1, 31), ("Canada", "China"))
    days = lambda *xs: np.array(xs, dtype="datetime64[D]")
    starts = days("2018-12-01", "2015-11-04", "2018-12-01", "2018-12-01")
    ends = days("2018-12-01", "2019-10-21", "2018-12-31", "2018-12-01")
    rows = np.array([0, 1, 2, 3])
    labels = np.array(["Canada", "Canada", "China", "United States"], dtype=object)
    # The 2015 band reaching past the box is not in it; the lane outside the box is not either.
    assert events_in_box(rows, labels, starts, ends, *box) == [0, 2]


def test_selection_lasso_ids_are_distinct():
    from ui.selection import ids_from_points
    points = [{"customdata": "a"}, {"customdata": "b"}, {"customdata": "a"},
              {"curve_number": 0, "point_index": 1}]
    assert ids_from_points(points, [["x", "c"]]) == ["a", "b", "c"]


def test_selection_bridge_reads_plotly_ranges():
    from datetime import date

    from ui.bridge import view_from_relayout
    assert view_from_relayout({"lo": "2018-11-25", "hi": "2018-12-18"}) == (date(2018, 11, 25), date(2018, 12, 17))
    assert view_from_relayout({"lo": "2018-11-25 06:00", "hi": "2018-12-17 20:00:00.5"}) == \
        (date(2018, 11, 25), date(2018, 12, 17))
    assert view_from_relayout({"reset": True}) == "reset"
    assert view_from_relayout({"lo": "<script>", "hi": "x"}) is None and view_from_relayout("x") is None
