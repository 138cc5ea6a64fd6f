"""Codes: HOTP from SECRET_KEY and the challenge; nothing stored can recompute them."""

import base64

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


def test_codes_of_up_to_8_digits_are_the_rfc_4226_values_they_always_were(settings):
    # Known answers: a deploy changes no code already on its way.
    settings.SECRET_KEY = "known-answer-secret-key-known-answer-secret-key-0123"
    assert make_code(ID, "login", PHONE, 6) == "975422"
    assert make_code(ID, "confirm", PHONE, 8, "abc") == "06169180"


def _many_codes(digits: int, count: int) -> list[int]:
    return [
        int(make_code(f"{i:08x}-0000-4000-8000-000000000000", "login", PHONE, digits))
        for i in range(count)
    ]


def test_ten_digit_codes_use_the_whole_range():
    # HOTP's 31-bit truncation never reaches 2^31: a 10-digit code would have 2^31 values.
    codes = _many_codes(10, 200)
    assert all(0 <= code < 10**10 for code in codes)
    assert sum(code >= 2**31 for code in codes) > 100  # about 157 of 200 when uniform


def test_nine_digit_codes_are_not_biased_towards_low_values():
    # From 31 bits, a 9-digit code below 147,483,648 is 1.5 times as likely as any other:
    # about 14% of codes would be below 10^8 instead of 10%.
    codes = _many_codes(9, 3000)
    share = sum(code < 10**8 for code in codes) / len(codes)
    assert 0.08 < share < 0.12


@pytest.mark.parametrize("digits", [4, 6, 8, 9, 10])
def test_every_length_verifies(digits):
    code = make_code(ID, "login", PHONE, digits)
    assert len(code) == digits and code.isdigit()
    assert check_code(ID, "login", PHONE, digits, code)


OLD_KEY = "the-key-before-rotation-the-key-before-rotation-0123456"
NEW_KEY = "the-key-after-rotation-the-key-after-rotation-012345678"


def test_a_code_made_before_secret_key_rotation_verifies_with_the_old_key_in_fallbacks(settings):
    settings.SECRET_KEY = OLD_KEY
    code = make_code(ID, "login", PHONE, 6)
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    assert check_code(ID, "login", PHONE, 6, code)
    assert make_code(ID, "login", PHONE, 6) != code  # new codes are made with the new key


def test_without_fallbacks_a_code_made_with_a_rotated_key_fails(settings):
    settings.SECRET_KEY = OLD_KEY
    code = make_code(ID, "login", PHONE, 6)
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = []
    assert not check_code(ID, "login", PHONE, 6, code)


def test_every_key_is_compared_even_after_a_match(settings, monkeypatch):
    import django_webotp.codes as codes

    settings.SECRET_KEY = OLD_KEY
    code = make_code(ID, "login", PHONE, 6)
    settings.SECRET_KEY_FALLBACKS = ["fallback-one-fallback-one-fallback-one-01234567", NEW_KEY]
    calls = []
    real = codes.hmac.compare_digest
    monkeypatch.setattr(codes.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    assert check_code(ID, "login", PHONE, 6, code)
    assert len(calls) == 3


@pytest.mark.parametrize("digits", [6, 7, 8])
def test_codes_match_pyotp_where_it_allows_the_length(digits):
    pyotp = pytest.importorskip("pyotp")
    from django_webotp import codes

    for i in range(50):
        key = codes._key(f"{i:08x}-0000-4000-8000-000000000000", "login", PHONE, "", "k" * 50)
        expected = pyotp.HOTP(base64.b32encode(key).decode("ascii"), digits=digits).at(0)
        assert codes._code(key, digits) == expected
