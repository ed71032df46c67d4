"""Text folding shared by search and storage: lower case, no accents, phone digits only."""

from __future__ import annotations

import re
import unicodedata

_NON_DIGITS = re.compile(r"\D+")
_SPACES = re.compile(r"\s+")


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


def initials(name: str) -> str:
    """ "Marcus Reid" -> "MR", "sam" -> "S", "zoe.a@example.com" -> "ZE", "" -> "?" (avatars, everywhere)."""
    parts = [p for p in name.replace("@", " ").replace(".", " ").split() if p[:1].isalnum()]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][0].upper()
    return (parts[0][0] + parts[-1][0]).upper()
