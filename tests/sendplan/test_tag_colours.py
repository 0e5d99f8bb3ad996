"""BRAGG and RAG tag colours meet WCAG 2.2 AA contrast, measured in the built stylesheet."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from sendplan import ratings

APP_CSS = Path(settings.BASE_DIR) / "static" / "build" / "app.css"
# Tag text is 19px bold: below the 24px/18.66px-bold "large text" size, so 4.5:1 applies.
AA_NORMAL_TEXT = 4.5


def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def _tag_rule(css: str, modifier: str) -> tuple[str, str]:
    match = re.search(
        r"\.sendplan-tag--" + modifier + r"\b[^{]*\{([^}]*)\}",
        css,
    )
    assert match, f"no rule for .sendplan-tag--{modifier} in {APP_CSS}"
    body = match.group(1)
    colour = re.search(r"(?<![-\w])color:(#[0-9a-fA-F]{3,6})", body).group(1)
    background = re.search(r"background-color:(#[0-9a-fA-F]{3,6})", body).group(1)
    return colour, background


@pytest.fixture(scope="module")
def css() -> str:
    if not APP_CSS.exists():
        pytest.fail("static/build/app.css is missing: run scripts/build-assets first")
    return APP_CSS.read_text()


@pytest.mark.parametrize(
    "modifier",
    [
        *(f"bragg-{c}" for c in ("blue", "red", "amber", "green", "grey", "none")),
        *(f"rag-{c}" for c in ("red", "amber", "green", "none")),
    ],
)
def test_tag_text_contrast_meets_wcag_aa(css, modifier):
    colour, background = _tag_rule(css, modifier)

    ratio = contrast(colour, background)

    print(f"{modifier}: {colour} on {background} = {ratio:.2f}:1")
    assert ratio >= AA_NORMAL_TEXT


def test_bragg_colours_are_all_different(css):
    backgrounds = {
        _tag_rule(css, f"bragg-{c}")[1].lower() for c in ("blue", "red", "amber", "green", "grey")
    }

    assert len(backgrounds) == 5


def test_the_stylesheet_loads_no_gds_transport_font(css):
    assert "@font-face" not in css
    assert "GDS Transport" not in css


def _long(hex_colour: str) -> str:
    """#fff as #ffffff: the built CSS is compressed."""
    digits = hex_colour.lower().lstrip("#")
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


PRINT_CSS = Path(settings.BASE_DIR) / "static" / "reports" / "print.css"


@pytest.mark.parametrize("value", list(ratings.COLOURS))
def test_page_tags_take_the_one_palette(css, value):
    for key in ("bragg", "rag"):
        colour, background = _tag_rule(css, f"{key}-{value}")

        assert (_long(background), _long(colour)) == ratings.COLOURS[value], key


@pytest.mark.parametrize("value", list(ratings.COLOURS))
def test_printed_tags_take_the_one_palette(value):
    rule = re.search(
        r"\.sendplan-tag--bragg-" + value + r", \.sendplan-tag--rag-" + value + r" \{([^}]*)\}",
        PRINT_CSS.read_text(),
    )
    assert rule, f"print.css has no rule for the {value} tags"
    background = re.search(r"background: (#[0-9a-f]{6})", rule.group(1)).group(1)
    colour = re.search(r"(?<![-\w])color: (#[0-9a-f]{6})", rule.group(1)).group(1)

    assert (background, colour) == ratings.COLOURS[value]


def test_dashboard_bars_are_the_colour_of_the_tags_beside_them():
    from reports.dashboard import COLOURS as BAR_COLOURS

    assert BAR_COLOURS["amber"] == "#ffbf47" == ratings.fill("amber")
    assert all(BAR_COLOURS[value] == ratings.fill(value) for value in ratings.COLOURS)
