"""How full the gym is, in three bands: the live page's colours and the public page's words."""

from __future__ import annotations

GREEN_BELOW = 70  # percent: green below this, amber below RED_FROM, red from RED_FROM
RED_FROM = 90

COLOURS = {"quiet": "green", "busy": "amber", "full": "red"}
# Each band in words, for people deciding whether to come now.
WORDS = {"quiet": "Plenty of room", "busy": "Getting busy", "full": "Nearly full"}


def band(current: int, maximum: int) -> str:
    """ "quiet" below GREEN_BELOW percent of capacity, "full" from RED_FROM, "busy" between."""
    if not maximum or current * 100 < GREEN_BELOW * maximum:
        return "quiet"
    return "busy" if current * 100 < RED_FROM * maximum else "full"
