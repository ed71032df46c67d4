"""A socket's handshake headers as Reflex is given them, for tests that build state trees by hand.

The ASGI layer in thrust/auth/connections.py keeps a socket's Cookie header in the worker's memory
and hands Reflex a connection id instead; a state built for a test must carry the same.
"""

from __future__ import annotations

from thrust.auth.connections import CONNECTION_HEADER, open_connection


def handshake_headers(cookie: str, **others: str) -> dict[str, str]:
    """Router-data headers of a socket that sent `cookie` (none: a socket without cookies)."""
    headers = dict(others)
    if cookie:
        headers[CONNECTION_HEADER] = open_connection(cookie)
    return headers
