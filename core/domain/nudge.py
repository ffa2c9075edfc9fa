"""Is a contribution to a question round plainly advice rather than a question?

Deliberately modest: it only flags texts without a question mark that open with a
typical advice phrase, in Dutch or English, so that a friendly private nudge never
fires on a real question.
"""

from __future__ import annotations

import re

_ADVICE_OPENINGS = (
    # English
    r"you should",
    r"you could",
    r"you must",
    r"you need to",
    r"why don't you",
    r"i would",
    r"i'd",
    r"if i were you",
    r"my advice",
    r"i suggest",
    r"i recommend",
    r"try to",
    r"just ",
    r"maybe you should",
    r"perhaps you should",
    r"have you tried",
    # Dutch
    r"je moet",
    r"je zou",
    r"u moet",
    r"u zou",
    r"jij moet",
    r"jij zou",
    r"ik zou",
    r"als ik jou was",
    r"mijn advies",
    r"ik raad",
    r"ik adviseer",
    r"probeer",
    r"misschien moet",
    r"misschien kun je",
    r"waarom ga je niet",
    r"gewoon ",
)
_OPENING = re.compile(r"^\s*(?:" + "|".join(_ADVICE_OPENINGS) + r")", re.IGNORECASE)


def looks_like_advice(text: str) -> bool:
    stripped = text.strip()
    if not stripped or "?" in stripped:
        return False
    return bool(_OPENING.match(stripped))
