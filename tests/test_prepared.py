"""Prepared statements: built by the ORM once, run with new values, answering as the ORM does."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_webotp.backends import user_for_phone
from django_webotp.models import Challenge, PhoneIdentity
from django_webotp.models.prepared import Prepared, compiled_exists

pytestmark = pytest.mark.django_db

NUMBERS = ["+447911123401", "+447911123402", "+447911123403"]


@pytest.fixture
def identities():
    User = get_user_model()
    made = []
    for n, phone in enumerate(NUMBERS[:2]):
        user = User.objects.create_user(f"user{n}", is_staff=(n == 1))
        made.append(PhoneIdentity.objects.create(user=user, phone_number=phone, can_sign_in=True))
    return made


def test_each_number_gets_the_answer_the_orm_gives(identities, settings):
    settings.WEBOTP_SIGNUP = False
    for phone in NUMBERS:
        orm = PhoneIdentity.objects.may_sign_in().filter(phone_number=phone).exists()
        assert PhoneIdentity.objects.sign_in_code_goes_to(phone) is orm
        user = user_for_phone(phone)
        expected = PhoneIdentity.objects.may_sign_in().filter(phone_number=phone).first()
        assert (user and user.pk) == (expected and expected.user_id)
    assert user_for_phone(NUMBERS[0]) == identities[0].user
    assert user_for_phone(NUMBERS[0]).username == "user0"


def test_a_changed_setting_builds_the_statement_again(identities, settings):
    settings.WEBOTP_SIGNUP = False
    assert not PhoneIdentity.objects.sign_in_code_goes_to(NUMBERS[1])  # staff: kept off
    settings.WEBOTP_STAFF_SMS_SIGNIN = True
    assert PhoneIdentity.objects.sign_in_code_goes_to(NUMBERS[1])
    assert user_for_phone(NUMBERS[1]) == identities[1].user


def test_the_statement_is_built_once_and_run_as_one_query(identities):
    PhoneIdentity.objects.sign_in_code_goes_to(NUMBERS[0])
    with CaptureQueriesContext(connection) as queries:
        assert PhoneIdentity.objects.sign_in_code_goes_to(NUMBERS[0])
    assert len(queries.captured_queries) == 1


def test_a_stand_in_missing_from_the_statement_is_refused():
    broken = Prepared(
        lambda model, using, phone: compiled_exists(model.objects.all(), using),
        fields={"phone": "phone_number"},
        stand_ins={"phone": "+12025550123"},
    )
    with pytest.raises(AssertionError, match="phone is not among"):
        broken.exists(Challenge, phone="+447911123401")
