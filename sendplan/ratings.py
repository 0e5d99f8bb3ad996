"""The plan's status vocabulary: the BRAGG key for actions and the RAG key for outcome
targets, with the words every page, form, import and PDF uses for them."""

from django.db import models


class BRAGG(models.TextChoices):
    """The plan's key for actions. The labels are the seed's definitions, shown with colour."""

    BLUE = "blue", "Blue – completed, embedded, sustained"
    RED = "red", "Red – major concerns"
    AMBER = "amber", "Amber – on track, some concerns"
    GREEN = "green", "Green – on track, no concerns"
    GREY = "grey", "Grey – not started, not due"

    @property
    def word(self) -> str:
        return self.value.capitalize()


# Statuses that need a note saying why, and the one that needs a completion date.
BRAGG_NEEDS_NOTE = {BRAGG.RED, BRAGG.AMBER}
BRAGG_NEEDS_COMPLETION = BRAGG.BLUE


class RAG(models.TextChoices):
    """The plan's key for the impact of outcome targets, shown with colour, never by it."""

    RED = "red", "Red – impact not measured or negative impact"
    AMBER = "amber", "Amber – impact being measured, either neutral or not yet measured"
    GREEN = "green", "Green – positive impact, both measured and demonstrable"

    @property
    def word(self) -> str:
        return self.value.capitalize()
