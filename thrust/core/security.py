"""Password hashing with bcrypt (12 rounds, as the seed), kept off the event loop by callers."""

from __future__ import annotations

import bcrypt

BCRYPT_ROUNDS = 12
# bcrypt only reads the first 72 bytes; longer passwords are refused by the password rules.
BCRYPT_MAX_BYTES = 72
UNUSABLE_PASSWORD = "!"  # stored for accounts that have no password yet; never matches


def hash_password(password: str, *, rounds: int | None = None) -> str:
    """Hash a password (about 0.25 s at 12 rounds: call it from a worker thread in async code)."""
    # BCRYPT_ROUNDS is read at call time, so tests can lower it for speed.
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds or BCRYPT_ROUNDS)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    """Check a password against a stored hash; False for unusable or malformed hashes."""
    encoded = password.encode()
    if not password_hash.startswith("$2") or len(encoded) > BCRYPT_MAX_BYTES:
        return False
    try:
        return bcrypt.checkpw(encoded, password_hash.encode())
    except ValueError:
        return False
