"""One-tap links and their QR code in a real Chromium: a desktop asks, a phone finishes."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from django_webotp.delivery import links
from django_webotp.models import Challenge
from django_webotp.testing import last_code, last_link

from .support import PHONE_VIEWPORT, screenshot, start_sign_in
from .test_pages import serious_violations

pytestmark = pytest.mark.browser

PHONE = "+447400123456"
SHOWN = "07400 123456"  # PHONE as the pages write it
# What a strict site sends: nothing inline, neither script nor style.
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'"


@pytest.fixture
def link_settings(settings, live_server):
    settings.WEBOTP_LINK = True
    settings.WEBOTP_LINK_QR = True
    # The tests run with DEBUG off, where links are https; the live server speaks http.
    settings.WEBOTP_LINK_BASE_URL = live_server.url
    return settings


def watch_requests(page) -> list:
    """Every request the page makes, to look at URLs and Referer headers afterwards."""
    seen: list = []
    page.on("request", lambda request: seen.append(request))
    return seen


def signed_in_as(page):
    return page.locator("#signed-in-as")


def test_the_link_opens_filled_on_another_device_and_signs_in_only_when_confirmed(
    new_page, link_settings
):
    desktop = new_page()
    start_sign_in(desktop, PHONE)
    code = last_code(PHONE)
    link = last_link(PHONE)
    assert urlsplit(link).fragment == code

    phone = new_page(viewport=PHONE_VIEWPORT)
    requests = watch_requests(phone)
    response = phone.goto(link)
    # The link answers no-referrer and sends the browser on to the confirmation page, whose
    # URL holds no token; the fragment comes along.
    link_response = response.request.redirected_from.response()
    assert link_response.status == 302
    assert link_response.headers["referrer-policy"] == "no-referrer"
    assert response.url.endswith(reverse("webotp:link_confirm"))
    expect(phone.get_by_role("heading", name="Confirm sign-in")).to_be_visible()
    expect(phone.get_by_text("+44 ••• 456")).to_be_visible()
    field = phone.get_by_label("Code from the SMS")
    expect(field).to_have_value(code)  # from the fragment, by webotp.js
    expect(phone.get_by_role("button", name="Sign in")).to_be_focused()
    assert urlsplit(phone.url).fragment == ""  # dropped from the address bar and history
    # Opening the pages, script and all, signed nobody in and used nothing up.
    challenge = Challenge.objects.get()
    assert challenge.consumed_at is None and challenge.attempts == 0
    assert serious_violations(phone) == []
    screenshot(phone, "link-confirm")

    phone.get_by_role("button", name="Sign in").click()
    expect(signed_in_as(phone)).to_have_text(f"Signed in as {SHOWN}.")

    # The code never went over the wire in a URL or a Referer, nor did the token in a Referer;
    # the form's POST carried a real Origin, which Django's CSRF check wants.
    token = urlsplit(link).path.rstrip("/").rsplit("/", 1)[1]
    for request in requests:
        assert code not in request.url
        assert code not in request.headers.get("referer", "")
        assert token not in request.headers.get("referer", "")
    [post] = [request for request in requests if request.method == "POST"]
    assert f"code={code}" in post.post_data
    assert post.headers["origin"] == link_settings.WEBOTP_LINK_BASE_URL
    # The desktop that asked is still signed out.
    desktop.goto("/account/")
    expect(desktop.get_by_role("heading", name="Sign in with your phone")).to_be_visible()


def test_without_javascript_the_code_is_typed_on_the_link_page(new_page, link_settings):
    desktop = new_page()
    start_sign_in(desktop, PHONE)
    phone = new_page(viewport=PHONE_VIEWPORT, javascript=False)
    phone.goto(last_link(PHONE))
    field = phone.get_by_label("Code from the SMS")
    expect(field).to_have_value("")
    field.fill(last_code(PHONE))
    phone.get_by_role("button", name="Sign in").click()
    expect(signed_in_as(phone)).to_have_text(f"Signed in as {SHOWN}.")


def test_a_used_link_says_so(new_page, link_settings):
    page = new_page()
    start_sign_in(page, PHONE)
    link = last_link(PHONE)
    page.get_by_label("Code from the SMS").fill(last_code(PHONE))
    page.get_by_role("button", name="Sign in").click()
    expect(signed_in_as(page)).to_be_visible()

    other = new_page(viewport=PHONE_VIEWPORT)
    response = other.goto(link)
    assert response.status == 410
    expect(other.get_by_role("alert")).to_have_text(
        "This code has already been used. Request a new code to sign in again."
    )
    assert serious_violations(other) == []


def test_the_qr_code_scans_as_the_link_without_the_code_under_a_strict_csp(new_page, link_settings):
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pytest.importorskip("PIL.Image")

    desktop = new_page()
    serve_with_strict_csp(desktop)
    start_sign_in(desktop, PHONE)
    desktop.reload()  # now under the strict policy the route below adds
    qr = desktop.locator("svg.webotp-qr-code")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150
    assert desktop.evaluate("window.webotpCsp") == []  # nothing the policy blocked
    screenshot(desktop, "code-page-with-qr")

    decoded = [
        barcode.text for barcode in zxingcpp.read_barcodes(image.open(io.BytesIO(qr.screenshot())))
    ]
    challenge = Challenge.objects.get()
    path = reverse("webotp:link", kwargs={"token": links.make_token(challenge)})
    assert decoded == [link_settings.WEBOTP_LINK_BASE_URL + path]
    assert last_code(PHONE) not in decoded[0]

    # The phone that scanned it finishes the sign-in with the code from the SMS.
    phone = new_page(viewport=PHONE_VIEWPORT)
    phone.goto(decoded[0])
    field = phone.get_by_label("Code from the SMS")
    expect(field).to_have_value("")
    field.fill(last_code(PHONE))
    phone.get_by_role("button", name="Sign in").click()
    expect(signed_in_as(phone)).to_have_text(f"Signed in as {SHOWN}.")


def test_the_code_page_with_its_qr_code_is_accessible(new_page, link_settings):
    page = new_page()
    start_sign_in(page, PHONE)
    figure = page.get_by_role("figure")
    expect(figure).to_contain_text("Scan this with its camera")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert serious_violations(page) == []


def serve_with_strict_csp(page) -> None:
    """Serve the code page under STRICT_CSP and record any violation the page reports."""
    page.add_init_script(
        "window.webotpCsp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (e) => window.webotpCsp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )

    def strict(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    page.route(f"**{reverse('webotp:verify')}", strict)
