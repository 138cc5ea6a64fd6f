"""Starting a challenge: the SMS domain and text, delivery failures, and the audit signals."""

import pytest
from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.test import RequestFactory, override_settings
from django.urls import reverse

from django_webotp import signals, sms
from django_webotp.delivery import compose
from django_webotp.flows import challenges
from django_webotp.models import Challenge, DeliveryStatus
from django_webotp.sms_format import OriginBoundFormatError, parse_origin_bound_message
from django_webotp.testing import last_code, last_message
from tests.support.codes import wrong_code

pytestmark = pytest.mark.django_db
PHONE = "+447911123456"


def request(host="testserver"):
    req = RequestFactory().post("/", HTTP_HOST=host)
    from django.contrib.sessions.backends.cache import SessionStore

    req.session = SessionStore()
    return req


@override_settings(ALLOWED_HOSTS=["*"])
@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("example.com", "example.com"),
        ("Example.COM:8000", "example.com"),
        ("localhost:8000", "localhost"),
        ("127.0.0.1:8000", "127.0.0.1"),
    ],
)
def test_sms_domain_is_the_request_host_without_port(host, expected):
    assert compose.sms_domain(request(host)) == expected


@override_settings(ALLOWED_HOSTS=["*"])
@pytest.mark.parametrize("host", ["[::1]:8000", "[::1]", "localhost.", "localhost.:8000"])
def test_a_host_no_sms_can_name_is_a_bad_request(host):
    """An origin-bound line names a host name or an IPv4 address, nothing else: a 400 by Django."""
    with pytest.raises(DisallowedHost, match="an SMS cannot name this page's address"):
        compose.sms_domain(request(host))


def test_webotp_domain_wins(settings):
    settings.WEBOTP_DOMAIN = "signin.example.com"
    assert compose.sms_domain(request()) == "signin.example.com"
    assert compose.sms_domain(None) == "signin.example.com"


def test_sms_domain_outside_a_request_needs_the_setting():
    with pytest.raises(ImproperlyConfigured, match="WEBOTP_DOMAIN"):
        compose.sms_domain(None)


def test_the_sms_is_origin_bound_and_fits_one_segment(settings):
    settings.WEBOTP_DOMAIN = "example.com"
    challenges.start(request(), PHONE)
    body = last_message(PHONE).body
    parsed = parse_origin_bound_message(body)
    assert parsed.host == "example.com"
    assert body.splitlines()[0] == f"{parsed.code} is your Example sign-in code."
    assert not body.endswith("\n")
    from django_webotp.sms_format import sms_segments

    assert sms_segments(body) == 1


def test_site_name_falls_back_to_the_domain_or_the_sites_framework(settings):
    settings.WEBOTP_SITE_NAME = None
    challenges.start(request(), PHONE)
    assert "is your testserver sign-in code." in last_message().body


def test_a_body_whose_last_line_would_not_parse_is_refused(settings):
    settings.WEBOTP_DOMAIN = "https://example.com:8443"
    with pytest.raises(OriginBoundFormatError):
        challenges.start(request(), PHONE)
    assert sms.outbox == []


def test_an_unexpected_provider_exception_still_closes_the_challenge(settings):
    settings.WEBOTP_SMS_BACKEND = "tests.flows.test_challenges.ExplodingBackend"
    result = challenges.start(request(), PHONE)
    assert result.delivery_error == "error"
    challenge = Challenge.objects.get()
    assert challenge.delivery_status == DeliveryStatus.FAILED
    assert challenge.delivery_error == "error: boom"


def test_a_misconfigured_backend_is_never_silenced(settings):
    settings.WEBOTP_SMS_BACKEND = "tests.flows.test_challenges.MisconfiguredBackend"
    with pytest.raises(ImproperlyConfigured, match="WEBOTP_EXAMPLE_TOKEN"):
        challenges.start(request(), PHONE)


class ExplodingBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise RuntimeError("boom")


class MisconfiguredBackend(ExplodingBackend):
    def send_messages(self, messages):
        raise ImproperlyConfigured("Set WEBOTP_EXAMPLE_TOKEN.")


@pytest.fixture
def events():
    received = []
    names = [
        "code_requested",
        "code_sent",
        "code_failed",
        "code_verified",
        "code_rejected",
        "challenge_locked",
    ]
    handlers = []
    for name in names:

        def handler(sender, name=name, **kwargs):
            received.append((name, kwargs.get("reason"), kwargs["phone_number"], kwargs["purpose"]))

        getattr(signals, name).connect(handler)
        handlers.append((getattr(signals, name), handler))
    yield received
    for signal, handler in handlers:
        signal.disconnect(handler)


def test_signals_trace_a_whole_sign_in(client, settings, events):
    settings.WEBOTP_MAX_ATTEMPTS = 2
    client.post(reverse("webotp:login"), {"phone_number": PHONE})
    client.post(reverse("webotp:verify"), {"code": wrong_code(last_code())})
    client.post(reverse("webotp:verify"), {"code": wrong_code(last_code())})
    assert [(name, reason) for name, reason, *_ in events] == [
        ("code_requested", None),
        ("code_sent", None),
        ("code_rejected", "wrong"),
        ("code_rejected", "locked"),
        ("challenge_locked", "locked"),
    ]
    assert {phone for _, _, phone, _ in events} == {PHONE}
    assert {purpose for *_, purpose in events} == {"login"}
    events.clear()
    client.post(reverse("webotp:login"), {"phone_number": PHONE})
    client.post(reverse("webotp:verify"), {"code": last_code()})
    assert [name for name, *_ in events] == ["code_requested", "code_sent", "code_verified"]


def test_failed_delivery_signal(settings, events):
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    challenges.start(request(), PHONE)
    assert [(name, reason) for name, reason, *_ in events] == [
        ("code_requested", None),
        ("code_failed", "timeout"),
    ]


def test_the_sms_is_plain_text_not_html_escaped(settings):
    settings.WEBOTP_SITE_NAME = "Smith & Sons <Shop>"
    challenges.start(request(), PHONE)
    assert "is your Smith & Sons <Shop> sign-in code." in last_message().body
