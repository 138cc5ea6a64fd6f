"""The admin pages render, filter by status and purpose, search by phone, never show a code, and
show operators why a delivery failed and what a confirmation confirmed."""

import pytest
from django.urls import reverse

from django_webotp.models import Challenge, PhoneIdentity, Purpose, Status
from tests.support.codes import wrong_code
from tests.support.users import make_user

pytestmark = pytest.mark.django_db
PHONE = "+447911123456"


@pytest.fixture
def challenge():
    return Challenge.objects.issue(PHONE, "login", ttl=300, max_attempts=5, code_length=6)


def test_challenge_list_shows_status_and_no_code(admin_client, challenge):
    response = admin_client.get(reverse("admin:django_webotp_challenge_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert PHONE in html
    assert "Pending" in html
    assert challenge.make_code() not in html


@pytest.mark.parametrize("status", list(Status))
def test_challenge_list_filters_by_status(admin_client, challenge, status):
    url = reverse("admin:django_webotp_challenge_changelist")
    response = admin_client.get(url, {"status": status.value})
    assert response.status_code == 200
    shown = response.context["cl"].result_count
    assert shown == (1 if status == Status.PENDING else 0)


def test_challenge_search_by_phone(admin_client, challenge):
    url = reverse("admin:django_webotp_challenge_changelist")
    assert admin_client.get(url, {"q": "7911123"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"q": "+1555"}).context["cl"].result_count == 0


def test_challenge_detail_is_read_only_and_codeless(admin_client, challenge):
    url = reverse("admin:django_webotp_challenge_change", args=[challenge.pk])
    response = admin_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert challenge.make_code() not in html
    assert 'name="attempts"' not in html  # read-only: shown as text, not an input
    assert admin_client.post(url, {"attempts": 0}).status_code == 403
    assert admin_client.get(reverse("admin:django_webotp_challenge_add")).status_code == 403


def test_identities_are_searchable_by_phone_and_username(admin_client):
    user = make_user("frank")
    PhoneIdentity.objects.create(user=user, phone_number=PHONE)
    url = reverse("admin:django_webotp_phoneidentity_changelist")
    assert admin_client.get(url, {"q": "frank"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"q": "7911123456"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"q": "zed"}).context["cl"].result_count == 0
    identity = PhoneIdentity.objects.get()
    detail = admin_client.get(
        reverse("admin:django_webotp_phoneidentity_change", args=[identity.pk])
    )
    assert detail.status_code == 200


def test_dashboard_shows_daily_totals_destinations_and_locked_numbers(admin_client):
    sent = Challenge.objects.issue(PHONE, "login", ttl=300, max_attempts=2, code_length=6)
    sent.mark_sent("id-1")
    sent.verify(sent.make_code())
    locked = Challenge.objects.issue(
        "+33612345678", "login", ttl=300, max_attempts=1, code_length=6
    )
    locked.mark_sent("id-2")
    locked.verify(wrong_code(locked.make_code()))
    changelist = admin_client.get(reverse("admin:django_webotp_challenge_changelist"))
    dashboard_url = reverse("admin:django_webotp_challenge_dashboard")
    assert dashboard_url in changelist.content.decode()
    response = admin_client.get(dashboard_url)
    assert response.status_code == 200
    [today] = response.context["days"]
    assert (today["requested"], today["sent"], today["verified"]) == (2, 2, 1)
    assert today["success_rate"] == 50.0
    assert dict(response.context["countries"]) == {"GG": 1, "FR": 1}
    assert dict(response.context["prefixes"]) == {"+44 791112": 1, "+33 612345": 1}
    assert [str(row["phone_number"]) for row in response.context["locked"]] == ["+33612345678"]
    assert "+33612345678" in response.content.decode()


def test_dashboard_needs_view_permission(client):
    staff = make_user("staff", password="pw", is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("admin:django_webotp_challenge_dashboard"))
    assert response.status_code == 403


# --- failed deliveries ------------------------------------------------------------------------


@pytest.fixture
def operator(client):
    user = make_user("operator", password="pw", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def failed_and_sent(client, settings):
    client.post(reverse("webotp:login"), {"phone_number": "+447911123001"})
    settings.WEBOTP_SMS_BACKEND = "tests.support.sms_backends.SmsBackend"
    client.post(reverse("webotp:login"), {"phone_number": PHONE})
    return Challenge.objects.get(phone_number=PHONE)


def test_the_list_filters_failed_deliveries(operator, failed_and_sent):
    url = reverse("admin:django_webotp_challenge_changelist")
    page = operator.get(url, {"status": "failed"}).content.decode()
    assert PHONE in page
    assert "+447911123001" not in page
    assert "Delivery failed" in page  # the computed status column

    everything = operator.get(url).content.decode()
    assert "+447911123001" in everything


def test_the_challenge_page_shows_why_it_failed(operator, failed_and_sent):
    url = reverse("admin:django_webotp_challenge_change", args=[failed_and_sent.pk])
    page = operator.get(url).content.decode()
    assert "timeout: provider timed out" in page
    assert "Failed" in page


# --- purposes ---------------------------------------------------------------------------------


def test_the_admin_shows_the_confirmed_action(admin_client):
    challenge = Challenge.objects.issue(
        PHONE,
        Purpose.CONFIRM,
        ttl=300,
        max_attempts=5,
        code_length=6,
        action_digest="ab" * 32,
        action_description="payment of €20.00 to Acme",
    )
    page = admin_client.get(reverse("admin:django_webotp_challenge_change", args=[challenge.pk]))
    html = page.content.decode()
    assert "payment of €20.00 to Acme" in html
    assert "ab" * 32 not in html
    assert challenge.make_code() not in html
    listed = admin_client.get(
        reverse("admin:django_webotp_challenge_changelist"), {"purpose": "confirm"}
    )
    assert "Action confirmation" in listed.content.decode()


def test_identities_show_filter_and_edit_whether_they_sign_in_alone(admin_client):
    identity = PhoneIdentity.objects.create(user=make_user("pat"), phone_number=PHONE)
    changelist = reverse("admin:django_webotp_phoneidentity_changelist")
    response = admin_client.get(changelist)
    assert "Signs in alone" in response.content.decode()
    assert admin_client.get(changelist, {"can_sign_in__exact": "1"}).context["cl"].result_count == 0
    assert admin_client.get(changelist, {"can_sign_in__exact": "0"}).context["cl"].result_count == 1
    change = admin_client.get(
        reverse("admin:django_webotp_phoneidentity_change", args=[identity.pk])
    )
    assert 'name="can_sign_in"' in change.content.decode()
