"""The plan's status vocabulary: the BRAGG key for actions and the RAG key for outcome
targets, with the words every page, form, import and PDF uses for them."""

from django.db import models


class Key(models.TextChoices):
    """A key's values; each label reads "Amber – on track, some concerns": word, then meaning."""

    @property
    def word(self) -> str:
        return self.value.capitalize()

    @property
    def meaning(self) -> str:
        """The definition without the word: "on track, some concerns"."""
        return str(self.label).partition(" – ")[2]


class BRAGG(Key):
    """The plan's key for actions. The labels are the seed's definitions, shown with colour."""

    BLUE = "blue", "Blue – completed, embedded, sustained"
    RED = "red", "Red – major concerns"
    AMBER = "amber", "Amber – on track, some concerns"
    GREEN = "green", "Green – on track, no concerns"
    GREY = "grey", "Grey – not started, not due"


# Statuses that need a note saying why, and the one that needs a completion date.
BRAGG_NEEDS_NOTE = {BRAGG.RED, BRAGG.AMBER}
BRAGG_NEEDS_COMPLETION = BRAGG.BLUE


class RAG(Key):
    """The plan's key for the impact of outcome targets, shown with colour, never by it."""

    RED = "red", "Red – impact not measured or negative impact"
    AMBER = "amber", "Amber – impact being measured, either neutral or not yet measured"
    GREEN = "green", "Green – positive impact, both measured and demonstrable"


# An item with no rating for the month: one value, one word, everywhere.
NOT_RATED = "none"
NOT_RATED_WORD = "Not rated"

# The order every key, chart, table and count lists the values in: done first, then on
# track, then concern, then not started, then not rated.
BRAGG_ORDER = (BRAGG.BLUE, BRAGG.GREEN, BRAGG.AMBER, BRAGG.RED, BRAGG.GREY, NOT_RATED)
RAG_ORDER = (RAG.GREEN, RAG.AMBER, RAG.RED, NOT_RATED)

# The one palette: (fill, text) for each value. Pages (the SCSS), the dashboard's charts,
# the PDF's charts and print CSS all take their colours from here. Each pair keeps a
# contrast of at least 4.5:1; Amber is GOV.UK's former "yellow", not its orange, which
# reads too close to red in a traffic-light key. "Not rated" is white with an outline.
COLOURS = {
    "blue": ("#1d70b8", "#ffffff"),
    "red": ("#ca3535", "#ffffff"),
    "amber": ("#ffbf47", "#0b0c0c"),
    "green": ("#0f7a52", "#ffffff"),
    "grey": ("#cecece", "#0b0c0c"),
    NOT_RATED: ("#ffffff", "#0b0c0c"),
}
OUTLINE = "#505a5f"  # the outline of a "Not rated" tag or bar


def fill(value: str | None) -> str:
    """The fill colour of a BRAGG or RAG value ("" or None is not rated)."""
    return COLOURS[value or NOT_RATED][0]


def ink(value: str | None) -> str:
    """The text colour to write on that fill."""
    return COLOURS[value or NOT_RATED][1]


def word(key: str, value: str | None) -> str:
    """The word for a value of the "bragg" or "rag" key: "Amber", or "Not rated"."""
    if not value or value == NOT_RATED:
        return NOT_RATED_WORD
    return choices(key)(value).word


def choices(key: str) -> type[Key]:
    """The key's values by its name, "bragg" or "rag"."""
    return BRAGG if key == "bragg" else RAG


def definition(key: str, value: str | None) -> str:
    """The seed's definition of a value: "Amber – on track, some concerns"."""
    if not value or value == NOT_RATED:
        return NOT_RATED_WORD
    return choices(key)(value).label


def scss() -> str:
    """The palette as a Sass map for static/src/_tags.scss (scripts/build-assets writes it)."""
    lines = [f'  "{value}": ({fill_}, {ink_}),' for value, (fill_, ink_) in COLOURS.items()]
    return (
        "// Written by scripts/build-assets from sendplan/ratings.py: never edit.\n"
        "$sendplan-tag-colours: (\n" + "\n".join(lines) + "\n);\n"
        f"$sendplan-tag-outline: {OUTLINE};\n"
    )


if __name__ == "__main__":
    print(scss(), end="")
