import time
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash, user_logged_in
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from django_webotp import confirm
from django_webotp.phone import masked_number
from django_webotp.two_factor import (
    State,
    get_state,
    refusal,
    two_factor_exempt,
    two_factor_required,
    user_phone,
)

# A first password may be set this many seconds after signing in, no later: an account with no
# password has nothing else to prove itself with, so a session left open must sign in again.
RECENT_SIGN_IN = 5 * 60
SIGNED_IN_AT = "example_signed_in_at"

# The fake shop's one order: what may be paid, to whom.
PAYEE = "Acme Coffee"
ORDER = "1042"
AMOUNTS = {"20.00": Decimal("20.00"), "45.50": Decimal("45.50")}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@receiver(user_logged_in, dispatch_uid="example_project.signed_in_at")
def remember_when_signed_in(sender, request, user, **kwargs) -> None:
    """Note in the session when it signed in (by phone code or by password)."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())


def signed_in_recently(request: HttpRequest) -> bool:
    signed_in_at = request.session.get(SIGNED_IN_AT)
    return isinstance(signed_in_at, int) and time.time() - signed_in_at <= RECENT_SIGN_IN


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The account's numbers, masked: enough to recognise, not to read off a screen."""
    numbers = [
        {"masked": masked_number(identity.phone_number), "verified_at": identity.verified_at}
        for identity in request.user.phone_identities.all()
    ]
    return render(request, "account.html", {"numbers": numbers})


@two_factor_required
def protected(request: HttpRequest) -> HttpResponse:
    """Needs two factors: a password and a code. A phone sign-in is one factor (403 here)."""
    return render(request, "protected.html", {"phone": user_phone(request.user)})


@login_required
def set_password(request: HttpRequest) -> HttpResponse:
    """Change the password (the old one first), or give a phone sign-up account a first one.

    A password session still waiting for its code goes to the code page first. An account with
    no password proves itself the only way it can: by a sign-in a few minutes old at most.
    """
    if get_state(request) is State.PENDING:
        return refusal(request)  # the code page, then back here
    user = request.user
    changing = user.has_usable_password()
    if not changing and not signed_in_recently(request):
        return render(request, "set_password.html", {"stale": True}, status=403)
    form_class = PasswordChangeForm if changing else SetPasswordForm
    form = form_class(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(
            request,
            "Your password is changed."
            if changing
            else "Your password is set. Sign out, then sign in with it and a code to your phone.",
        )
        return redirect("account")
    context = {"form": form, "changing": changing}
    return render(request, "set_password.html", context, status=400 if form.errors else 200)


def payment_action(request: HttpRequest) -> confirm.Action | None:
    """What the "Pay" button is about to do, from the fields posted (None: not a valid choice)."""
    amount = AMOUNTS.get(request.POST.get("amount", ""))
    if amount is None:
        return None
    return confirm.Action(
        "payment",
        {"order": ORDER, "amount": amount, "currency": "EUR", "payee": PAYEE},
        description=f"payment of €{amount} to {PAYEE}",
    )


@login_required
@confirm.required(payment_action)
def pay(request: HttpRequest) -> HttpResponse:
    """A fake payment: the POST only runs once a code has confirmed its exact amount."""
    if request.method == "POST":
        amount = AMOUNTS.get(request.POST.get("amount", ""))
        if amount is not None:
            return render(request, "paid.html", {"amount": amount, "payee": PAYEE})
        return render(request, "pay.html", {"error": "Choose an amount.", **_order()}, status=400)
    return render(request, "pay.html", _order())


def _order() -> dict:
    return {"order": ORDER, "payee": PAYEE, "amounts": list(AMOUNTS)}


@two_factor_exempt  # signing out always works, second step or not
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")
