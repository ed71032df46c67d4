"""Text folding shared by search and storage: lower case, no accents, phone digits only."""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

_NON_DIGITS = re.compile(r"\D+")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = re.compile("['\u2019]")
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse spaces: 'Zoë  Ångström' -> 'zoe angstrom'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


def digits(text: str) -> str:
    """Only the digits of a phone number: '+91 98765-43210' -> '919876543210'."""
    return _NON_DIGITS.sub("", text)


def member_search_text(full_name: str, email: str | None, phone: str | None) -> str:
    """The folded search key stored on a member: name, email and phone digits, each word after a space
    (so that a word prefix is the one pattern '% jo%')."""
    parts = [fold(full_name), (email or "").casefold()]
    if phone:
        parts.append(digits(phone))
    return (" " + " ".join(part for part in parts if part))[:400]


def words(text: str) -> list[str]:
    """The folded words of a name or a search, punctuation dropped: "Child's Pose" -> ['childs', 'pose'],
    "E-Z Bar Curl (Wide)" -> ['e', 'z', 'bar', 'curl', 'wide']."""
    return [word for word in _NON_WORD.split(_APOSTROPHES.sub("", fold(text))) if word]


def exercise_search_text(name: str) -> str:
    """The folded search key stored on an exercise: its words, each after a space, then each two
    neighbours run together (so "pullup" finds "Wide-Grip Pull-Up" at a word's start, as "pull up" does):
    "Wide-Grip Pull-Up" -> ' wide grip pull up widegrip grippull pullup'. Equal keys mean names a person
    would call the same (case, accents, spacing and punctuation aside)."""
    parts = words(name)
    pairs = [first + second for first, second in pairwise(parts)]
    return (" " + " ".join(parts + pairs))[:400]


def initials(name: str) -> str:
    """ "Marcus Reid" -> "MR", "sam" -> "S", "zoe.a@example.com" -> "ZE", "" -> "?" (avatars, everywhere)."""
    parts = [p for p in name.replace("@", " ").replace(".", " ").split() if p[:1].isalnum()]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][0].upper()
    return (parts[0][0] + parts[-1][0]).upper()
