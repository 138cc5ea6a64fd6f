"""Migration 0005: existing numbers of accounts with a password become second factors only;
numbers of accounts without one (phone sign-ups) keep signing in."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.support.users import make_user

BEFORE = [("django_webotp", "0004_purposes")]
AFTER = [("django_webotp", "0005_phone_identity_can_sign_in")]


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes("django_webotp")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_numbers_sign_in_only_where_there_is_no_password():
    old_apps = migrate(BEFORE)
    try:
        OldIdentity = old_apps.get_model("django_webotp", "PhoneIdentity")
        numbers = {
            "+447400100001": make_user("with-password"),  # two-step enrolment
            "+447400100002": make_user("phone-only", password=None),  # phone sign-up
            "+447400100003": make_user("empty"),  # no password at all: emptied below
        }
        emptied = numbers["+447400100003"]
        type(emptied)._default_manager.filter(pk=emptied.pk).update(password="")
        for number, user in numbers.items():
            OldIdentity.objects.create(user_id=user.pk, phone_number=number)
    finally:
        new_apps = migrate(AFTER)
    NewIdentity = new_apps.get_model("django_webotp", "PhoneIdentity")
    rule = dict(NewIdentity.objects.values_list("phone_number", "can_sign_in"))
    migrate(latest())  # the tests after this one need the whole schema back
    assert {str(number): flag for number, flag in rule.items()} == {
        "+447400100001": False,
        "+447400100002": True,
        "+447400100003": True,
    }
