"""The fixed-window arithmetic: keys hashed as Django's salted_hmac hashes them."""

from __future__ import annotations

import pytest
from django.utils.crypto import salted_hmac

from django_webotp.abuse.windows import keyed_hash, parse_rates, split_rate


@pytest.mark.parametrize("value", ["+447911123456", "203.0.113.7", "é", ""])
def test_keyed_hashes_are_salted_hmac_so_counts_survive_an_upgrade(value):
    assert (
        keyed_hash(value)
        == salted_hmac("django_webotp.throttling", value, algorithm="sha256").hexdigest()
    )
    assert (
        keyed_hash(value, "other.salt")
        == salted_hmac("other.salt", value, algorithm="sha256").hexdigest()
    )


def test_a_new_secret_key_gives_new_hashes(settings):
    before = keyed_hash("+447911123456")
    settings.SECRET_KEY = "another-secret-key-0123456789-0123456789-0123456789"
    assert keyed_hash("+447911123456") != before


def test_rates_parse_as_written():
    assert parse_rates(" 5/h, 10/d ") == ["5/h", "10/d"]
    assert parse_rates(None) == [] and parse_rates("") == []
    assert split_rate("30/10m") == (30, 600)
    with pytest.raises(ValueError):
        split_rate("often")
