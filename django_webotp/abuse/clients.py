"""Who is asking: the client's address, read the same way by every limit and budget.

By default that is ``REMOTE_ADDR``, the address that opened the connection; an
``X-Forwarded-For`` header is anyone's to write and is ignored. Behind reverse proxies set
``WEBOTP_TRUSTED_PROXIES``: a number of proxies in front of every request (each appends the
address it was reached from), or a list of the proxies' networks (``["10.0.0.0/8"]``), the safer
form, since it also holds when a client reaches the site directly. The client is then the
rightmost address in ``X-Forwarded-For`` that is not a trusted proxy's.

Point django-ratelimit's own decorators at the same answer with ``RATELIMIT_IP_META_KEY =
"django_webotp.abuse.clients.client_ip"``. Without ``WEBOTP_TRUSTED_PROXIES``, a
``RATELIMIT_IP_META_KEY`` set to a META key or another callable (how sites behind a proxy were
told to configure this app before) is still honoured, so both agree, though a check (W020)
asks for ``WEBOTP_TRUSTED_PROXIES`` instead.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

from ..conf import webotp_settings

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["client_ip", "network", "proxy_networks", "rate_key"]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
THIS = "django_webotp.abuse.clients.client_ip"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None when the request has none that parses."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = webotp_settings.TRUSTED_PROXIES
    if not proxies:
        # A site's own RATELIMIT_IP_META_KEY, as documented before WEBOTP_TRUSTED_PROXIES; of a
        # list, only the rightmost entry (the nearest proxy's), never what a client wrote.
        named = _ratelimit_meta(request).rsplit(",", 1)[-1]
        return _address(named or remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()] + [remote]
    if isinstance(proxies, int):
        return _rightmost_untrusted(hops, lambda position, address: position < proxies)
    networks = proxy_networks(tuple(proxies))
    return _rightmost_untrusted(hops, lambda position, address: _within(address, networks))


def _rightmost_untrusted(hops: list[str], trusted: Callable[[int, Address], bool]) -> str | None:
    """Walk from the connection back along X-Forwarded-For while the hop is a trusted proxy."""
    client = None
    for position, hop in enumerate(reversed(hops)):
        address = _parse(hop)
        if address is None:  # not an address: the trusted hop after it is as far as we know
            break
        client = str(address)
        if not trusted(position, address):
            break
    return client


def _within(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


@lru_cache(maxsize=8)
def proxy_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """``WEBOTP_TRUSTED_PROXIES`` as networks; raises ValueError for one that is not."""
    return tuple(ipaddress.ip_network(str(proxy).strip(), strict=False) for proxy in proxies)


def _ratelimit_meta(request: HttpRequest) -> str:
    """What ``RATELIMIT_IP_META_KEY`` names, when it names something other than this module."""
    meta = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    if not meta or meta == THIS or meta is client_ip:
        return ""
    if callable(meta):
        return str(meta(request) or "")
    if "." in meta:
        function = import_string(meta)
        return "" if function is client_ip else str(function(request) or "")
    return str(request.META.get(meta, ""))


def _parse(value: str) -> Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _address(value: str) -> str | None:
    parsed = _parse(value)
    return str(parsed) if parsed is not None else None


def network(ip: str) -> str:
    """The client's network: its /24 for IPv4, its /64 for IPv6."""
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def rate_key(request: HttpRequest) -> str:
    """The value the per-client rate limits count: the address, an IPv6 one by its /64 (a
    host's share), as django-ratelimit masks them (``RATELIMIT_IPV4_MASK``/``IPV6_MASK``)."""
    ip = client_ip(request)
    if ip is None:
        return "unknown"
    address = ipaddress.ip_address(ip)
    default = 32 if address.version == 4 else 64
    bits = getattr(settings, f"RATELIMIT_IPV{address.version}_MASK", default)
    return str(ipaddress.ip_network(f"{address}/{bits}", strict=False))
