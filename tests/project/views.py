"""The test site's pages: the example project's, kept here so the suite runs from the sdist."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from django_webotp import confirm
from django_webotp.two_factor import two_factor_exempt, two_factor_required, user_phone

# The fake shop's one order: what may be paid, to whom.
PAYEE = "Acme Coffee"
ORDER = "1042"
AMOUNTS = {"20.00": Decimal("20.00"), "45.50": Decimal("45.50")}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "account.html", {"identities": request.user.phone_identities.all()})


@two_factor_required
def protected(request: HttpRequest) -> HttpResponse:
    """Needs the second step after a password sign-in (a phone sign-in has proved the phone)."""
    return render(request, "protected.html", {"phone": user_phone(request.user)})


@login_required
def set_password(request: HttpRequest) -> HttpResponse:
    """Lets a phone sign-up account get a password, so it can try the password + code sign-in."""
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, "Your password is set. Sign out, then sign in with it.")
        return redirect("account")
    return render(request, "set_password.html", {"form": form}, status=400 if form.errors else 200)


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
