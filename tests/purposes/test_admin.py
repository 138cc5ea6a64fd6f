"""The admin shows what a confirmation confirmed, and lists challenges by purpose."""

from django.urls import reverse

from django_webotp.models import Challenge, Purpose

from .conftest import PHONE


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
