"""The address an HTTP request comes from, behind the number of proxies the settings say to trust."""

from __future__ import annotations

import ipaddress

from fastapi import Request

from thrust.core.settings import get_settings


def client_ip(request: Request) -> str:
    """The client address: the peer, or behind N trusted proxies the Nth X-Forwarded-For from the right."""
    peer = request.client.host if request.client else "unknown"
    hops = get_settings().trusted_proxy_hops
    if hops <= 0:
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    # Each proxy appends the address it saw; entries further left than our proxies can be forged.
    if len(addresses) < hops:
        return peer
    candidate = addresses[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer
