"""``{% webotp_simulator %}``: the dev Web OTP simulator's script on a code page, in DEBUG only;
``{% webotp_passkey_notice %}``: why a passkey cannot work on this page, in DEBUG only.

A template tag rather than a view's context, so the code pages need not know the dev tools.
"""

from __future__ import annotations

from django import template

from ..dev.passkeys import passkey_problem
from ..dev.simulator import simulator_context

register = template.Library()


@register.inclusion_tag("django_webotp/dev/_simulator.html")
def webotp_simulator() -> dict[str, object]:
    return {"webotp_simulator": simulator_context()}


@register.inclusion_tag("django_webotp/dev/_passkey_notice.html", takes_context=True)
def webotp_passkey_notice(context: template.Context) -> dict[str, object]:
    request = context.get("request")
    return {"problem": None if request is None else passkey_problem(request)}
