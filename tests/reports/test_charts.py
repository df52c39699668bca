"""Charts are SVG drawn on the server: an image with a text alternative, the same bytes for the same figures."""

from xml.etree import ElementTree

from reports.charts import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _chart(**overrides):
    values = {
        "title": "Notifications by month and reason",
        "categories": ["2022-04", "2022-05", "2022-06"],
        "series": {"Death": [3, 4, 5], "Serious harm": [6, 2, 0]},
    }
    return bar_chart(**{**values, **overrides})


def test_a_chart_is_an_image_named_for_what_it_shows_with_its_labels_as_text():
    svg = _chart()
    root = ElementTree.fromstring(svg)  # noqa: S314  the service's own output
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Notifications by month and reason"
    assert root.get("width") is None and root.get("viewBox")
    texts = "".join(root.itertext())
    for label in ("2022-04", "2022-06", "Death", "Serious harm"):
        assert label in texts
    assert "<script" not in svg
    assert "style" not in svg  # presentation attributes only: the content security policy allows no inline style


def test_the_same_figures_draw_the_same_bytes_and_others_do_not():
    assert _chart() == _chart()
    assert _chart() != _chart(series={"Death": [3, 4, 6], "Serious harm": [6, 2, 0]})


def test_side_by_side_and_horizontal_bars_escape_their_title():
    svg = _chart(stacked=False, horizontal=True, title='Age & sex "by group"')
    assert 'aria-label="Age &amp; sex &quot;by group&quot;"' in svg
    ElementTree.fromstring(svg)  # noqa: S314  the service's own output


def test_a_chart_drawn_again_keeps_its_series_in_their_order():
    first = _chart(series={"Serious harm": [1, 2, 3], "Death": [3, 2, 1]})
    assert first.index("Serious harm") < first.index("Death")
    assert _chart(series={"Serious harm": [1, 2, 3], "Death": [3, 2, 1]}) == first
