"""Settings are read lazily, so override_settings just works, and a wrong name says itself."""

import pytest

from django_webotp.conf import DEFAULTS, webotp_settings


def test_settings_are_read_lazily(settings):
    assert DEFAULTS["CODE_TTL"] == webotp_settings.CODE_TTL
    settings.WEBOTP_CODE_TTL = 60
    assert webotp_settings.CODE_TTL == 60
    assert "CODE_TTL" in dir(webotp_settings)


def test_unknown_setting_names_itself():
    with pytest.raises(AttributeError, match="WEBOTP_NOPE"):
        webotp_settings.NOPE  # noqa: B018
