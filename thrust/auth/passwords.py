"""The password rules: the seed's strength rules, bcrypt's 72-byte limit, and no common passwords."""

from __future__ import annotations

import re
from functools import lru_cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from thrust.core.security import BCRYPT_MAX_BYTES
from thrust.core.validation import UNSTORABLE_TEXT, is_storable

MIN_LENGTH = 8
# The rules as a form's hint says them (sign-up, the Password tab).
PASSWORD_RULES = "At least 8 characters, with an uppercase letter, a digit and a special character."
# The top of zxcvbn's list of leaked passwords; a word from it plus a short tail
# ("Password1!", "Admin123!") is as guessable as the word itself.
_COMMON_STEM_RANK = 10_000
_MAX_PREDICTABLE_TAIL = 4
_LEET = str.maketrans(
    {"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t"}
)
_TAIL = re.compile(r"^(?P<stem>.*?)(?P<tail>[^a-z]*)$")


@lru_cache(maxsize=1)
def _common() -> tuple[frozenset[str], frozenset[str]]:
    ranked = FREQUENCY_LISTS["passwords"]
    return frozenset(ranked), frozenset(word for word in ranked[:_COMMON_STEM_RANK] if len(word) >= 4)


def is_common_password(password: str) -> bool:
    """True for a leaked password or a common word with a short, predictable tail of digits/symbols."""
    everything, stems = _common()
    folded = password.casefold()
    if folded in everything or folded.translate(_LEET) in everything:
        return True
    match = _TAIL.match(folded)
    if match is None:
        return False
    stem, tail = match.group("stem"), match.group("tail")
    if len(tail) > _MAX_PREDICTABLE_TAIL:
        return False
    return stem in stems or stem.translate(_LEET) in stems


def shape_problems(password: str) -> list[str]:
    """The rules about the password's characters (the API's document states them as a pattern)."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Password must be at least {MIN_LENGTH} characters")
    if not re.search(r"[A-Z]", password):
        problems.append("Password must contain at least one uppercase letter")
    if not re.search(r"[0-9]", password):
        problems.append("Password must contain at least one number")
    if not re.search(r"[^A-Za-z0-9]", password):
        problems.append("Password must contain at least one special character")
    return problems


def password_problems(password: str) -> list[str]:
    """Every rule the password breaks, as messages for the user; empty when it is acceptable."""
    if not is_storable(password):
        return [UNSTORABLE_TEXT]
    problems = shape_problems(password)
    if len(password.encode()) > BCRYPT_MAX_BYTES:
        # bcrypt ignores everything past 72 bytes; refusing is safer than silently truncating.
        problems.insert(1, f"Password must be at most {BCRYPT_MAX_BYTES} bytes")
    if not problems and is_common_password(password):
        problems.append("This password is too common or easy to guess; choose another")
    return problems
