"""Why a passkey cannot work on the page being served, said in DEBUG only.

WebAuthn refuses quietly (a SecurityError in the console) when the page is on an IP address,
on plain http anywhere but localhost, or on a host that is not the relying party id or under
it. The phone page says so in development, so the button does not just seem broken.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from ..conf import webotp_settings

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = ["passkey_problem"]


def _host_and_port(request: HttpRequest) -> tuple[str, str]:
    """The page's host name and the port its address names ("" for none)."""
    host = request.get_host()
    if host.startswith("["):  # [::1]:8000
        end = host.index("]")
        return host[1:end], host[end + 2 :]
    name, _colon, port = host.partition(":") if host.count(":") == 1 else (host, "", "")
    return name, port


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _local(host: str) -> bool:
    return host == "localhost" or host.endswith(".localhost")


def passkey_problem(request: HttpRequest) -> str | None:
    """A sentence saying why passkeys cannot work on this request's page, or None."""
    if not (settings.DEBUG and webotp_settings.PASSKEYS):
        return None
    host, port = _host_and_port(request)
    local_url = f"http://localhost:{port}" if port else "http://localhost"
    if _is_ip(host):
        return _("Passkeys cannot work on an IP address (%(host)s): open %(url)s instead.") % {
            "host": host,
            "url": local_url,
        }
    if not request.is_secure() and not _local(host):
        return _("Passkeys need https, or http://localhost: this page is on http://%(host)s.") % {
            "host": host
        }
    rp_id = webotp_settings.PASSKEY_RP_ID
    if rp_id and host != rp_id and not host.endswith(f".{rp_id}"):
        return _(
            "Passkeys here are bound to %(rp_id)s (WEBOTP_PASSKEY_RP_ID), and this page is on "
            "%(host)s."
        ) % {"rp_id": rp_id, "host": host}
    return None
