"""The example's URLs plus views marked in each way the two-step check can be applied."""

from django.http import HttpResponse
from django.urls import path
from django.views import View

from django_webotp import confirm
from django_webotp.two_factor import TwoFactorRequiredMixin, two_factor_required
from example_project.urls import urlpatterns as example_urlpatterns


@two_factor_required
async def async_protected(request):
    return HttpResponse("async protected")


@two_factor_required(login_url="/elsewhere/")
def protected_elsewhere(request):
    return HttpResponse("protected elsewhere")


class ProtectedView(TwoFactorRequiredMixin, View):
    def get(self, request):
        return HttpResponse(f"class protected for {request.user.get_username()}")


@confirm.required(lambda request: confirm.Action("delete-account", {"user": request.user.pk}))
def delete_account(request):
    """Guarded by the confirmation alone (no login_required around it)."""
    return HttpResponse("deleted" if request.method == "POST" else "are you sure?")


urlpatterns = [
    path("delete-account/", delete_account),
    path("async-protected/", async_protected),
    path("protected-elsewhere/", protected_elsewhere),
    path("class-protected/", ProtectedView.as_view()),
    *example_urlpatterns,
]
