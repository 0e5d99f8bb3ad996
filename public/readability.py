"""How hard a text is to read, as the writing page shows it: a reading age (Flesch-Kincaid
grade + 5, the usual conversion), with the aim of about 9. Guidance, never a gate."""

from __future__ import annotations

import textstat

AIM = 9


def reading_age(text: str) -> str:
    words = textstat.lexicon_count(text)
    if words < 5:
        return "Write a few sentences to see their reading age."
    age = max(5, round(textstat.flesch_kincaid_grade(text) + 5))
    advice = "about right for families" if age <= AIM + 1 else "try shorter sentences and words"
    return f"Reading age about {age} (aim for about {AIM}): {advice}."
