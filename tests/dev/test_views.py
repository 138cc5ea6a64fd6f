"""The dev SMS inbox, the simulator's feed and switch, and their system checks."""

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from django_webotp import sms
from django_webotp.checks import check_settings
from django_webotp.dev import inbox
from django_webotp.models import Challenge
from django_webotp.sms.backends.filebased import SmsBackend as FileBackend
from django_webotp.testing import last_code

pytestmark = pytest.mark.django_db

PHONE = "+447911123456"
INBOX = reverse("webotp_dev:inbox")
FEED = reverse("webotp_dev:simulator_messages")
DEV_IDS = {"webotp.E030", "webotp.E031", "webotp.W003"}


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    return settings


@pytest.fixture
def outbox_dir(debug, tmp_path):
    debug.WEBOTP_SMS_FILE_PATH = str(tmp_path)
    return tmp_path


def file_sms(to, body):
    FileBackend(file_path=inbox.webotp_settings.SMS_FILE_PATH).send_messages(
        [sms.SmsMessage(to=to, body=body)]
    )


# --- refused in production -----------------------------------------------------------------


@pytest.mark.parametrize("url", [INBOX, FEED])
def test_dev_urls_are_404_unless_debug(client, url):
    sms.send_sms(PHONE, "123456 is your code.\n\n@testserver #123456")
    response = client.get(url)
    assert response.status_code == 404
    assert b"123456" not in response.content


@pytest.mark.parametrize("url", [INBOX, FEED])
def test_dev_urls_are_get_only(client, debug, url):
    assert client.post(url).status_code == 405


def dev_checks(**settings):
    with override_settings(**settings):
        return sorted(e.id for e in check_settings() if e.id in DEV_IDS)


def test_the_include_is_refused_by_a_check_in_production():
    assert dev_checks(DEBUG=False) == ["webotp.E030"]
    assert dev_checks(DEBUG=True) == []


def test_the_simulator_is_refused_by_a_check_in_production():
    assert dev_checks(DEBUG=False, WEBOTP_DEV_SIMULATOR=True) == ["webotp.E030", "webotp.E031"]
    assert dev_checks(DEBUG=True, WEBOTP_DEV_SIMULATOR=True) == []


def test_the_simulator_without_the_include_is_a_warning():
    urls = "tests.project.urls_without_dev"
    assert dev_checks(DEBUG=True, WEBOTP_DEV_SIMULATOR=True, ROOT_URLCONF=urls) == ["webotp.W003"]
    assert dev_checks(DEBUG=False, ROOT_URLCONF=urls) == []
    assert dev_checks(DEBUG=False, WEBOTP_DEV_SIMULATOR=True, ROOT_URLCONF=urls) == ["webotp.E031"]


def test_a_urlconf_that_fails_to_load_is_left_to_djangos_own_checks():
    assert dev_checks(DEBUG=False, ROOT_URLCONF="tests.no_such_urls") == []


# --- the inbox page ------------------------------------------------------------------------


def test_the_inbox_lists_both_sources_newest_first_with_the_parsed_line(client, outbox_dir):
    file_sms(PHONE, "111111 is your code.\n\n@testserver #111111")
    sms.outbox.append(sms.SmsMessage(to="+447700900123", body="222222\n\n@testserver #222222"))

    html = client.get(INBOX).content.decode()

    assert html.index("+447700900123") < html.index("07911 123456")  # newest first
    assert "111111 is your code." in html
    assert 'host <code>testserver</code>, code <code class="webotp-sms-code">111111</code>' in html
    assert "To <strong>07911 123456</strong>" in html and PHONE not in html
    assert 'code <code class="webotp-sms-code">222222</code>' in html
    assert "Warning:" not in html
    assert str(outbox_dir) in html


def test_a_host_that_is_not_this_site_is_flagged(client, debug):
    sms.send_sms(PHONE, "123456 is your code.\n\n@example.com #123456")
    html = client.get(INBOX, HTTP_HOST="localhost:8000").content.decode()
    assert (
        "It is bound to example.com, but this page is on localhost: Chrome will not offer it."
        in html
    )
    assert "This page is on port 8000." in html


def test_the_port_is_not_part_of_the_host(client, debug):
    sms.send_sms(PHONE, "123456 is your code.\n\n@localhost #123456")
    html = client.get(INBOX, HTTP_HOST="localhost:8000").content.decode()
    assert "Warning:" not in html


def test_a_message_without_an_origin_bound_line_is_flagged(client, debug):
    sms.send_sms(PHONE, "Your code is 123456.\n@testserver:8000 #123456")
    html = client.get(INBOX).content.decode()
    assert "Its last line is not “@host #code”, so no browser will offer this code" in html


def test_an_iframe_code_is_explained(client, debug):
    sms.send_sms(PHONE, "123456\n\n@testserver #123456 @pay.example")
    html = client.get(INBOX).content.decode()
    assert "It is meant for an iframe on pay.example" in html


def test_an_unreadable_file_is_shown_not_a_500(client, outbox_dir):
    (outbox_dir / "20260101-000000-000000-broken.sms").write_bytes(b"To: +44\nDate: never\n\nx")
    (outbox_dir / "20260101-000000-000001-binary.sms").write_bytes(b"\xff\xfe")
    file_sms(PHONE, "123456\n\n@testserver #123456")
    response = client.get(INBOX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Could not read 20260101-000000-000000-broken.sms" in html
    assert "Could not read 20260101-000000-000001-binary.sms" in html
    assert html.index("07911 123456") < html.index("Could not read")  # unreadable ones last


def test_only_the_newest_files_are_read(client, outbox_dir, monkeypatch):
    monkeypatch.setattr(inbox, "MAX_FILES", 2)
    for n in range(3):
        file_sms(f"+44791112345{n}", f"{n}\n\n@testserver #{n}")
    assert [m.to for m in inbox.messages()] == ["+447911123452", "+447911123451"]


def test_a_missing_directory_is_an_empty_inbox(client, debug, tmp_path):
    debug.WEBOTP_SMS_FILE_PATH = str(tmp_path / "not-yet")
    html = client.get(INBOX).content.decode()
    assert "No SMS yet." in html


# --- the simulator's feed ------------------------------------------------------------------


def feed(client):
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    return json.loads(response.content)


def test_the_feed_is_empty_without_a_code_request(client, debug):
    sms.send_sms(PHONE, "123456\n\n@testserver #123456")
    assert feed(client) == {"phone": None, "shown_as": None, "messages": []}


def test_the_feed_has_this_sessions_sms_since_its_code_was_requested(client, outbox_dir):
    file_sms(PHONE, "old\n\n@testserver #000000")  # before this request: never offered
    client.post(reverse("webotp:login"), {"phone_number": PHONE})
    code = last_code(PHONE)
    sms.send_sms("+447700900123", "not ours\n\n@testserver #999999")
    file_sms(PHONE, "oops\n@testserver:8000 #123")

    data = feed(client)

    assert data["phone"] == PHONE
    assert [m["origin_bound"] for m in data["messages"]] == [
        {"host": "testserver", "code": code, "embedded_host": None},
        None,
    ]
    assert data["messages"][1]["last_line"] == "@testserver:8000 #123"
    assert all(m["id"] and m["sent_at"] for m in data["messages"])


def test_the_feed_ignores_sms_from_before_the_code_request(client, debug):
    client.post(reverse("webotp:login"), {"phone_number": PHONE})
    Challenge.objects.update(created_at=timezone.now() + timedelta(seconds=1))
    assert feed(client)["messages"] == []


# --- the simulator on the code page --------------------------------------------------------


def code_page(client):
    client.post(reverse("webotp:login"), {"phone_number": PHONE})
    return client.get(reverse("webotp:verify")).content.decode()


def test_the_simulator_loads_before_webotp_js_with_its_urls_in_data_attributes(client, debug):
    debug.WEBOTP_DEV_SIMULATOR = True
    html = code_page(client)
    assert f'data-messages-url="{FEED}"' in html
    assert f'data-inbox-url="{INBOX}"' in html
    assert html.index("django_webotp/dev/simulator.js") < html.index("django_webotp/webotp.js")
    assert "<script>" not in html


@pytest.mark.parametrize(
    "settings_",
    [
        {"DEBUG": True, "WEBOTP_DEV_SIMULATOR": False},
        {"DEBUG": False, "WEBOTP_DEV_SIMULATOR": True},
        {
            "DEBUG": True,
            "WEBOTP_DEV_SIMULATOR": True,
            "ROOT_URLCONF": "tests.project.urls_without_dev",
        },
    ],
    ids=["off", "debug-off", "no-include"],
)
def test_the_simulator_does_not_load_otherwise(client, settings_):
    with override_settings(**settings_):
        html = code_page(client)
    assert "simulator.js" not in html
    assert "django_webotp/webotp.js" in html


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost:8000", ("localhost", "8000")),
        ("LocalHost", ("localhost", "")),
        ("[::1]:8000", ("[::1]", "8000")),
        ("[::1]", ("[::1]", "")),
    ],
)
def test_page_host_and_port_are_what_the_browser_shows(rf, host, expected):
    request = rf.get("/", HTTP_HOST=host)
    assert (inbox.page_host(request), inbox.page_port(request)) == expected
