"""One-tap links: the token, the SMS that carries the link, and the page it opens."""

from __future__ import annotations

import base64
import logging
import sys
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from django_webotp import sms
from django_webotp.delivery import links
from django_webotp.delivery.compose import render_body
from django_webotp.models import Challenge, PhoneIdentity, Purpose
from django_webotp.sms_format import parse_origin_bound_message, sms_segments
from django_webotp.testing import last_code, last_link
from tests.support import signin
from tests.support.codes import wrong_code
from tests.support.users import make_user

pytestmark = pytest.mark.django_db

PHONE = "+447400123456"
LOGIN = reverse("webotp:login")
VERIFY = reverse("webotp:verify")
CONFIRM = reverse("webotp:link_confirm")


@pytest.fixture(autouse=True)
def _links_on(settings):
    settings.WEBOTP_LINK = True
    settings.WEBOTP_DOMAIN = "testserver"  # links are built from configuration only


def start(client, phone=PHONE, **extra):
    response = signin.start(client, phone, **extra)
    assert response.status_code == 302, response.content
    return Challenge.objects.get(phone_number=phone, consumed_at=None, invalidated_at=None)


def link_parts(phone=PHONE):
    """(path, code) of the newest SMS's link: what a browser requests, and its fragment."""
    url = urlsplit(last_link(phone))
    return url.path, url.fragment


def build(**fields):
    values = {"ttl": 300, "max_attempts": 5, "code_length": 6, **fields}
    return Challenge.objects.issue(values.pop("phone", PHONE), **values)


# --- the token ---------------------------------------------------------------------------------


def test_token_is_32_url_safe_characters_and_finds_its_challenge():
    challenge = build()
    token = links.make_token(challenge)
    assert len(token) == 32
    assert token.replace("-", "").replace("_", "").isalnum()
    assert links.make_token(challenge) == token  # stable
    assert links.challenge_for_token(token) == challenge


def _flip(token: str, index: int) -> str:
    char = "A" if token[index] != "A" else "B"
    return token[:index] + char + token[index + 1 :]


@pytest.mark.parametrize("index", [0, 10, 21, 22, 31], ids=lambda i: f"char-{i}")
def test_a_changed_character_is_refused(index):
    token = links.make_token(build())
    assert links.challenge_for_token(_flip(token, index)) is None


def test_a_token_naming_another_challenge_without_its_signature_is_refused():
    challenge, other = build(), build(phone="+447400123457")
    raw = base64.urlsafe_b64decode(links.make_token(challenge))
    other_raw = base64.urlsafe_b64decode(links.make_token(other))
    forged = base64.urlsafe_b64encode(other_raw[:16] + raw[16:]).decode()
    assert links.challenge_for_token(forged) is None


@pytest.mark.parametrize(
    "token", ["", "abc", "A" * 31, "A" * 33, "A" * 31 + "=", "A" * 31 + "/", "A" * 31 + "é", None]
)
def test_malformed_tokens_are_refused_without_raising(token):
    assert links.challenge_for_token(token) is None


def test_a_token_made_with_another_secret_key_is_refused(settings):
    challenge = build()
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    token = links.make_token(challenge)
    settings.SECRET_KEY = "tests-only-secret-key-0123456789-0123456789-0123456789"
    assert links.challenge_for_token(token) is None


def test_a_deleted_challenge_is_refused():
    challenge = build()
    token = links.make_token(challenge)
    challenge.delete()
    assert links.challenge_for_token(token) is None


def test_only_sign_in_challenges_have_links():
    challenge = build(purpose="confirm")
    assert links.challenge_for_token(links.make_token(challenge)) is None
    assert links.sms_link(challenge, None, "123456", "example.com") is None


# --- the SMS -----------------------------------------------------------------------------------


def test_sign_in_sms_carries_the_link_with_the_code_in_its_fragment(client):
    challenge = start(client)
    code = last_code(PHONE)
    token = links.make_token(challenge)
    body = sms.outbox[-1].body
    assert body == (
        f"{code} is your Example sign-in code.\n"
        f"https://testserver/login/c/{token}/#{code}\n\n"
        f"@testserver #{code}"
    )
    # The origin-bound line is still last, and the whole SMS is one segment.
    assert parse_origin_bound_message(body).code == code
    assert sms_segments(body) == 1
    assert last_link(PHONE) == f"https://testserver/login/c/{token}/#{code}"


def test_without_the_setting_there_is_no_link(client, settings):
    settings.WEBOTP_LINK = False
    start(client)
    assert "/c/" not in sms.outbox[-1].body
    assert last_link(PHONE) is None


def test_a_worker_without_a_request_links_to_https_domain(settings):
    settings.WEBOTP_DOMAIN = "example.com"
    challenge = build()
    code = challenge.make_code()
    body = render_body(challenge, None, domain="example.com", site="Example")
    assert f"\nhttps://example.com/login/c/{links.make_token(challenge)}/#{code}\n\n" in body
    settings.WEBOTP_LINK_BASE_URL = "https://accounts.example.com/"
    body = render_body(challenge, None, domain="example.com", site="Example")
    assert f"\nhttps://accounts.example.com/login/c/{links.make_token(challenge)}/#" in body


def test_production_links_are_https_even_when_the_request_looks_like_http(client, settings):
    # Behind a TLS proxy without SECURE_PROXY_SSL_HEADER, requests look like plain http.
    settings.DEBUG = False
    start(client)
    assert last_link(PHONE).startswith("https://testserver/login/c/")


def test_development_links_follow_the_request_scheme_and_port(client, settings):
    settings.DEBUG = True
    settings.WEBOTP_DOMAIN = None  # DEBUG without a configured host: the dev server's own
    client.post(LOGIN, {"phone_number": PHONE}, HTTP_HOST="127.0.0.1:8000")
    assert last_link(PHONE).startswith("http://127.0.0.1:8000/login/c/")


def test_a_template_that_places_the_link_itself_gets_it_once(settings, tmp_path):
    sms_dir = tmp_path / "django_webotp" / "sms"
    sms_dir.mkdir(parents=True)
    (sms_dir / "login.txt").write_text("Tap {{ link }} or type {{ code }}.")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    challenge = build()
    body = render_body(challenge, None, domain="example.com", site="Example")
    link = links.sms_link(challenge, None, challenge.make_code(), "example.com")
    assert body.startswith(f"Tap {link} or type ")
    assert body.count(link) == 1


def test_the_link_page_url_holds_no_code():
    challenge = build()
    url = links.page_url(challenge, None, "example.com")
    assert "#" not in url
    assert challenge.make_code() not in url


# --- the link: opening it changes nothing --------------------------------------------------------


def opened(path: str, browser: Client | None = None) -> Client:
    """A browser (a fresh one unless given) that has opened the link ``path``."""
    browser = browser or Client()
    response = browser.get(path)
    assert response.status_code == 302, response.content
    assert response["Location"] == CONFIRM
    return browser


def test_opening_the_link_shows_a_confirm_button_and_signs_nobody_in(client):
    challenge = start(client)
    path, code = link_parts()
    phone_browser = opened(path)
    response = phone_browser.get(CONFIRM)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post"' in html
    assert f'action="{CONFIRM}"' in html
    assert "data-webotp-link" in html
    assert 'autocomplete="one-time-code"' in html
    assert "+44 ••• 456" in html
    assert PHONE not in html  # whoever has the link sees only a masked number
    assert code not in html  # the server never had the code: it is in the fragment
    assert "<script>" not in html
    assert SESSION_KEY not in phone_browser.session
    challenge.refresh_from_db()
    assert challenge.consumed_at is None
    assert challenge.attempts == 0


@pytest.mark.parametrize("method", ["get", "head"])
def test_the_link_answers_no_referrer_and_no_cache(client, method):
    start(client)
    path, _code = link_parts()
    response = getattr(Client(), method)(path)
    assert response.status_code == 302
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-cache" in response["Cache-Control"]
    assert Client().post(path).status_code == 405  # nothing to post to a token's URL


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_confirmation_page_is_same_origin_and_no_cache(client, method):
    # Not no-referrer: under it browsers POST the form with "Origin: null", which Django's CSRF
    # protection refuses (tests/browser/test_links.py shows the POST going through).
    start(client)
    path, code = link_parts()
    response = getattr(opened(path), method)(CONFIRM, {"code": code} if method == "post" else {})
    assert response.status_code == (302 if method == "post" else 200)  # signed in, or the form
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-cache" in response["Cache-Control"]


def test_the_site_wide_policy_does_not_change_the_link_pages(client, settings):
    settings.SECURE_REFERRER_POLICY = "unsafe-url"
    start(client)
    path, _code = link_parts()
    assert Client().get(path)["Referrer-Policy"] == "no-referrer"
    assert opened(path).get(CONFIRM)["Referrer-Policy"] == "same-origin"


# --- the confirmation: the POST signs in ---------------------------------------------------------


def test_confirming_signs_in_the_browser_that_opened_the_link(client):
    challenge = start(client)
    path, code = link_parts()
    phone_browser = opened(path)
    response = phone_browser.post(CONFIRM, {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = PhoneIdentity.objects.get(phone_number=PHONE).user
    assert phone_browser.session[SESSION_KEY] == str(user.pk)
    assert "webotp_link" not in phone_browser.session
    assert SESSION_KEY not in client.session  # the desktop that asked is not signed in
    challenge.refresh_from_db()
    assert challenge.consumed_at is not None


def test_a_link_works_once(client):
    start(client)
    path, code = link_parts()
    assert opened(path).post(CONFIRM, {"code": code}).status_code == 302
    again = Client()
    assert again.get(path).status_code == 410
    assert "already been used" in again.get(path).content.decode()
    assert again.get(path)["Referrer-Policy"] == "no-referrer"


def test_a_link_opened_twice_before_either_confirms_works_once(client):
    start(client)
    path, code = link_parts()
    first, second = opened(path), opened(path)
    assert first.post(CONFIRM, {"code": code}).status_code == 302
    response = second.post(CONFIRM, {"code": code})
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert SESSION_KEY not in second.session


def test_a_code_used_on_the_code_page_closes_the_link(client):
    start(client)
    path, code = link_parts()
    phone_browser = opened(path)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    assert phone_browser.post(CONFIRM, {"code": code}).status_code == 410


def test_the_browser_that_asked_follows_next_and_forgets_the_challenge(client):
    start(client, next="/account/")
    path, code = link_parts()
    response = opened(path, client).post(CONFIRM, {"code": code})
    assert response["Location"] == "/account/"
    assert "webotp" not in client.session
    assert SESSION_KEY in client.session


def test_another_browser_never_follows_a_next_it_did_not_ask_for(client):
    start(client, next="/account/")
    path, code = link_parts()
    assert opened(path).post(CONFIRM, {"code": code})["Location"] == reverse("home")


def test_a_wrong_code_counts_an_attempt_and_says_how_many_are_left(client):
    challenge = start(client)
    path, code = link_parts()
    wrong = wrong_code(code)
    response = opened(path).post(CONFIRM, {"code": wrong})
    assert response.status_code == 400
    assert "You have 4 attempts left." in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.attempts == 1


def test_guesses_through_the_link_share_the_challenge_attempt_limit(client, settings):
    settings.WEBOTP_MAX_ATTEMPTS = 2
    start(client)
    path, code = link_parts()
    wrong = wrong_code(code)
    phone_browser = opened(path)
    assert client.post(VERIFY, {"code": wrong}).status_code == 400  # one on the code page
    response = phone_browser.post(CONFIRM, {"code": wrong})  # the last one through the link
    assert response.status_code == 410
    assert "Too many wrong codes" in response.content.decode()
    assert phone_browser.post(CONFIRM, {"code": code}).status_code == 410


def test_a_malformed_code_is_a_form_error_and_no_attempt(client):
    challenge = start(client)
    path, _code = link_parts()
    response = opened(path).post(CONFIRM, {"code": "12ab"})
    assert response.status_code == 400
    assert "digits only" in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.attempts == 0


def test_an_expired_link_says_so(client):
    challenge = start(client)
    path, code = link_parts()
    phone_browser = opened(path)
    Challenge.objects.filter(pk=challenge.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    responses = [
        phone_browser.get(CONFIRM),
        phone_browser.post(CONFIRM, {"code": code}),
        Client().get(path),
    ]
    for response in responses:
        assert response.status_code == 410
        assert "This code has expired" in response.content.decode()
    assert SESSION_KEY not in phone_browser.session


def test_a_link_to_a_replaced_code_says_a_newer_one_was_sent(client):
    start(client)
    path, code = link_parts()
    phone_browser = opened(path)
    Challenge.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    assert client.post(reverse("webotp:resend")).status_code == 302
    response = phone_browser.post(CONFIRM, {"code": code})
    assert response.status_code == 410
    assert "A newer code was sent" in response.content.decode()


def test_a_bad_token_is_a_404_with_a_sentence(client):
    response = client.get(reverse("webotp:link", kwargs={"token": "A" * 32}))
    assert response.status_code == 404
    assert "This sign-in link is not valid" in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert "webotp_link" not in client.session


def test_the_confirmation_page_without_an_opened_link_says_how_to_go_on(client):
    for response in (Client().get(CONFIRM), Client().post(CONFIRM, {"code": "123456"})):
        assert response.status_code == 400
        assert "Open the link from the SMS again" in response.content.decode()


def test_links_switched_off_are_not_found(client, settings):
    start(client)
    path, code = link_parts()
    phone_browser = opened(path)
    settings.WEBOTP_LINK = False
    assert Client().get(path).status_code == 404
    assert phone_browser.get(CONFIRM).status_code == 404
    assert phone_browser.post(CONFIRM, {"code": code}).status_code == 404
    settings.WEBOTP_LINK_QR = True  # the QR code alone needs the pages too
    assert opened(path).get(CONFIRM).status_code == 200


def test_the_post_needs_the_csrf_token(client):
    start(client)
    path, code = link_parts()
    browser = opened(path, Client(enforce_csrf_checks=True))
    assert browser.post(CONFIRM, {"code": code}).status_code == 403
    token = browser.get(CONFIRM).context["csrf_token"]
    assert browser.post(CONFIRM, {"code": code, "csrfmiddlewaretoken": token}).status_code == 302


def test_link_posts_count_towards_the_verify_rate_limit(client, settings, monkeypatch):
    settings.WEBOTP_RATELIMIT_VERIFY_IP = "2/m"
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now)  # no minute's window may end mid-test
    start(client)
    path, code = link_parts()
    phone_browser = opened(path)
    for _ in range(2):
        assert phone_browser.post(CONFIRM, {"code": wrong_code(code)}).status_code == 400
    response = phone_browser.post(CONFIRM, {"code": wrong_code(code)})
    assert response.status_code == 429
    assert response["Referrer-Policy"] == "same-origin"


def test_an_inactive_user_is_refused(client):
    user = make_user("inactive", is_active=False)
    PhoneIdentity.objects.create(user=user, phone_number=PHONE, can_sign_in=True)
    start(client)
    path, code = link_parts()
    response = opened(path).post(CONFIRM, {"code": code})
    assert response.status_code == 403
    assert "cannot be used to sign in" in response.content.decode()


def test_a_test_number_link_takes_its_fixed_code(client, settings):
    settings.WEBOTP_TEST_NUMBERS = {"+447400123999": "424242"}
    challenge = start(client, "+447400123999")
    path = reverse("webotp:link", kwargs={"token": links.make_token(challenge)})
    assert opened(path).post(CONFIRM, {"code": "424242"}).status_code == 302


# --- the QR code on the code page --------------------------------------------------------------


def test_code_page_shows_the_link_without_the_code_as_an_inline_svg_qr(client, settings):
    settings.WEBOTP_LINK_QR = True
    challenge = start(client)
    html = client.get(VERIFY).content.decode()
    path = reverse("webotp:link", kwargs={"token": links.make_token(challenge)})
    url = f"https://testserver{path}"
    svg = links.qr_svg(url, "QR code of the link to finish signing in on another device")
    assert svg in html
    assert '<svg viewBox="' in svg
    assert "<script" not in svg
    assert "style=" not in svg  # CSP style-src without 'unsafe-inline' keeps it drawn
    assert "<script>" not in html


def test_qr_is_only_shown_when_asked_for(client):
    start(client)
    assert "<svg" not in client.get(VERIFY).content.decode()


def test_qr_is_not_shown_for_a_closed_challenge(client, settings):
    settings.WEBOTP_LINK_QR = True
    challenge = start(client)
    Challenge.objects.filter(pk=challenge.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert "<svg" not in client.get(VERIFY).content.decode()


def test_without_segno_the_page_omits_the_qr_and_says_why_once(
    client, settings, monkeypatch, caplog
):
    settings.WEBOTP_LINK_QR = True
    monkeypatch.setitem(sys.modules, "segno", None)  # import segno -> ImportError
    monkeypatch.setattr(links, "_warned_no_qr", False)
    start(client)
    with caplog.at_level(logging.WARNING, logger="django_webotp"):
        first = client.get(VERIFY)
        second = client.get(VERIFY)
    assert first.status_code == second.status_code == 200
    assert "<svg" not in first.content.decode()
    warnings = [r for r in caplog.records if "segno is not installed" in r.getMessage()]
    assert len(warnings) == 1
    assert not links.qr_available()


def test_no_qr_for_other_purposes(rf, settings):
    settings.WEBOTP_LINK_QR = True
    challenge = build(purpose=Purpose.LOGIN)
    assert links.qr_context(rf.get("/"), challenge) is not None
    challenge.purpose = "confirm"
    assert links.qr_context(rf.get("/"), challenge) is None


@pytest.mark.parametrize(
    ("number", "masked"),
    [("+447400123456", "+44 ••• 456"), ("+12025550123", "+1 ••• 123"), ("+44123", "•••")],
)
def test_masked_phone_keeps_the_country_code_and_last_three_digits(number, masked):
    assert links.masked_phone(Challenge(phone_number=number)) == masked
