"""Codes: HOTP from SECRET_KEY and the challenge; nothing stored can recompute them."""

import pytest

from django_webotp.codes import check_code, make_code

ID = "7d6f3b1e-0000-4000-8000-000000000001"
PHONE = "+447911123456"


def test_code_has_the_requested_digits_and_is_stable():
    code = make_code(ID, "login", PHONE, 6)
    assert len(code) == 6 and code.isdigit()
    assert make_code(ID, "login", PHONE, 6) == code
    assert len(make_code(ID, "login", PHONE, 8)) == 8


def test_code_depends_on_every_input_and_on_the_secret_key(settings):
    code = make_code(ID, "login", PHONE, 8)
    assert make_code(ID.replace("1", "2"), "login", PHONE, 8) != code
    assert make_code(ID, "confirm", PHONE, 8) != code
    assert make_code(ID, "login", "+447911123457", 8) != code
    settings.SECRET_KEY = "another-secret-key-another-secret-key-another-secret-key"
    assert make_code(ID, "login", PHONE, 8) != code


@pytest.mark.parametrize("wrong", ["", "000000x", None, 123456])
def test_check_code_refuses_wrong_input(wrong):
    assert check_code(ID, "login", PHONE, 6, wrong) is False


def test_check_code_accepts_the_code_only():
    code = make_code(ID, "login", PHONE, 6)
    assert check_code(ID, "login", PHONE, 6, code)
    assert not check_code(ID, "login", PHONE, 6, str((int(code) + 1) % 10**6).zfill(6))


def test_check_code_compares_in_constant_time(monkeypatch):
    import django_webotp.codes as codes

    calls = []
    real = codes.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(codes.hmac, "compare_digest", spy)
    check_code(ID, "login", PHONE, 6, "123456")
    assert len(calls) == 1
