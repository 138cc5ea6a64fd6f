"""The test site: a home page, an account page, a page behind two-step verification, a payment
behind a confirmation code, Django's password sign-in, the admin, and django-webotp's URLs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path
from django.views import View

from django_webotp import confirm
from django_webotp.two_factor import TwoFactorRequiredMixin, two_factor_required

from . import views


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
    path("", views.home, name="home"),
    path("account/", views.account, name="account"),
    path("account/password/", views.set_password, name="set_password"),
    path("protected/", views.protected, name="protected"),
    path("pay/", views.pay, name="pay"),
    path("logout/", views.logout_view, name="logout"),
    path("delete-account/", delete_account),
    path("async-protected/", async_protected),
    path("protected-elsewhere/", protected_elsewhere),
    path("class-protected/", ProtectedView.as_view()),
    path("login/", include("django_webotp.urls")),
    path("api/webotp/", include("django_webotp.api.urls")),
    path("sms/receipts/", include("django_webotp.receipts.urls")),
    path(
        "password-login/",
        auth_views.LoginView.as_view(template_name="password_login.html"),
        name="password_login",
    ),
    path("admin/", admin.site.urls),
    path("dev/", include("django_webotp.dev.urls")),
]
