"""``@confirm.required``: the confirmation page around a view that acts on POST."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from ..flows import confirm
from ..flows.code_step import CodeStep
from ..forms import CodeForm
from ..models import Challenge, Purpose
from .base import CodeStepView

__all__ = ["FIELD_PREFIX", "ConfirmPage", "required"]

#: Prefix of the confirmation page's own form fields ("webotp-code", "webotp-step").
FIELD_PREFIX = "webotp"


def required(
    get_action: Callable[..., confirm.Action | None],
    *,
    template_name: str = "django_webotp/confirm.html",
    login_url: str | None = None,
) -> Callable:
    """Run the decorated view's POST only once a code confirms the action it is about to do.

    ``get_action(request, *args, **kwargs)`` returns the ``Action`` this POST would perform, or
    None to let the view run as is (a form with errors, say). The first POST sends the code
    and answers with the confirmation page, which posts the same fields back to the same URL
    with the code; the view then runs, once. The action is worked out afresh from that second
    POST, so a changed field (another amount) matches no code. Other methods pass straight
    through; a signed-out visitor is sent to the login page.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(http_request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if http_request.method != "POST":
                return view(http_request, *args, **kwargs)
            if confirm.account(http_request) is None:
                return redirect_to_login(http_request.get_full_path(), login_url)
            action = get_action(http_request, *args, **kwargs)
            if action is None:
                return view(http_request, *args, **kwargs)
            page = ConfirmPage(request=http_request, action=action, template_name=template_name)
            answer = page.answer()
            if answer is not None:
                # The page echoes the posted fields (an amount, a payee) in hidden inputs: no
                # browser or shared cache may keep a copy.
                add_never_cache_headers(answer)
                return answer
            http_request.webotp_confirmation = page.step.challenge  # type: ignore[attr-defined]
            return view(http_request, *args, **kwargs)

        return wrapper

    return decorator


class ConfirmPage(CodeStepView):
    """The confirmation page of ``required``: the action in words, the code field, resend.

    Not routed: ``required`` builds one for the POST it guards and carries that POST's other
    fields through the page, so the view runs with them once the code is right.
    """

    purpose = Purpose.CONFIRM
    field_prefix = FIELD_PREFIX
    action: confirm.Action

    def answer(self) -> HttpResponse | None:
        """The page for this POST, or None when its code confirmed the action."""
        step = self.request.POST.get(self.field("step"))
        if step == "code":
            return self.check()
        if step == "resend":
            return self.resend()
        return self.send()

    def get_step(self) -> CodeStep:
        return confirm.step(self.request, self.action)

    def page_url(self) -> str:
        return self.request.get_full_path()

    def code_url(self) -> str:
        return ""  # the page answers a POST, whose fields a link cannot carry back

    def send(self) -> HttpResponse:
        return self.after_start(confirm.request(self.request, self.action))

    def after_sent(self, challenge: Challenge) -> HttpResponse:
        return self.render_page(challenge)

    def on_verified(self, challenge: Challenge, form: CodeForm) -> None:
        return None  # the guarded view runs

    def extra_context(self, challenge: Challenge | None) -> dict[str, Any]:
        prefix = f"{FIELD_PREFIX}-"
        carried = [
            (name, value)
            for name, values in self.request.POST.lists()
            if name != "csrfmiddlewaretoken" and not name.startswith(prefix)
            for value in values
        ]
        description = confirm.plain_description(self.action.description or self.action.name)
        return {"action": self.action, "description": description, "carried": carried}
