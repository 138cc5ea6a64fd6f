"""The choices of the models' fields, and the verdicts of checking a code."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["DeliveryStatus", "Purpose", "Status", "Verdict"]


class Purpose(models.TextChoices):
    """What a code is for; each has its own SMS template, ``django_webotp/sms/<value>.txt``.

    A code made for one purpose never verifies for another: the purpose is part of what the code
    is derived from, and each flow only looks at challenges of its own purpose.
    """

    LOGIN = "login", _("Sign-in")
    TWO_FACTOR = "two_factor", _("Two-step verification")
    PHONE_CHANGE = "phone_change", _("Phone number change")
    CONFIRM = "confirm", _("Action confirmation")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Not sent yet")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Undelivered")
    FAILED = "failed", _("Failed")
    # No SMS on purpose (an unknown number while sign-up is off); looks pending from outside.
    SUPPRESSED = "suppressed", _("Not sent (unknown number)")
    # Closed before a worker got to it (WEBOTP_DELIVERY = "task"): no SMS, since nobody could
    # use its code. Expired (or locked, or used) while queued; replaced by a newer code.
    QUEUE_EXPIRED = "queue_expired", _("Not sent (expired in the queue)")
    QUEUE_REPLACED = "queue_replaced", _("Not sent (replaced in the queue)")


class Status(models.TextChoices):
    """A challenge's state as a person or an operator sees it; computed, never stored."""

    PENDING = "pending", _("Pending")
    VERIFIED = "verified", _("Verified")
    EXPIRED = "expired", _("Expired")
    LOCKED = "locked", _("Locked")
    INVALIDATED = "invalidated", _("Invalidated")
    FAILED = "failed", _("Delivery failed")


class Verdict(StrEnum):
    """What checking a submitted code concluded."""

    VERIFIED = "verified"
    WRONG = "wrong"
    LOCKED = "locked"
    EXPIRED = "expired"
    USED = "used"
    REPLACED = "replaced"
    UNDELIVERED = "undelivered"
    # The code of the challenge a newer one replaced, typed after the newer was sent: not an
    # attempt at the newer one (the challenge judged stays as it was).
    SUPERSEDED = "superseded"
