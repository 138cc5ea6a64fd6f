"""The passkey admin shows each passkey as its owner sees it and never its key material."""

import pytest
from django.urls import reverse
from webauthn.helpers import bytes_to_base64url

from django_webotp.models import Passkey
from tests.support.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def passkey():
    return Passkey.objects.create(
        user=make_user("+447400123456"),
        credential_id=b"credential-id-bytes",
        public_key=b"public-key-bytes-0123456789",
        name="Work laptop",
        backup_eligible=True,
    )


def test_the_list_shows_name_owner_and_whether_it_syncs(admin_client, passkey):
    html = admin_client.get(reverse("admin:django_webotp_passkey_changelist")).content.decode()
    assert "Work laptop" in html
    assert "+447400123456" in html
    assert 'alt="True"' in html


def test_the_page_shows_no_key_material_and_renames(admin_client, passkey):
    url = reverse("admin:django_webotp_passkey_change", args=[passkey.pk])
    html = admin_client.get(url).content.decode()
    for secretish in (b"credential-id-bytes", b"public-key-bytes-0123456789"):
        assert secretish.decode() not in html
        assert bytes_to_base64url(secretish) not in html
        assert secretish.hex() not in html
    response = admin_client.post(url, {"name": "Home laptop"})
    assert response.status_code == 302
    passkey.refresh_from_db()
    assert passkey.name == "Home laptop"
    assert bytes(passkey.public_key) == b"public-key-bytes-0123456789"


def test_no_passkey_is_added_by_hand(admin_client):
    response = admin_client.get(reverse("admin:django_webotp_passkey_add"))
    assert response.status_code == 403


def test_search_finds_a_passkey_by_its_owner(admin_client, passkey):
    url = reverse("admin:django_webotp_passkey_changelist")
    assert "Work laptop" in admin_client.get(url, {"q": "+447400123456"}).content.decode()
    assert "Work laptop" not in admin_client.get(url, {"q": "nobody"}).content.decode()
