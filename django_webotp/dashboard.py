"""The operator's dashboard: what the SMS endpoint is doing now, for the view during an attack."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import phonenumbers
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .conf import webotp_settings
from .delivery import sweep
from .models import Challenge, DeliveryStatus, Status

__all__ = ["dashboard_context"]

HANDED_TO_PROVIDER = [DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.UNDELIVERED]


def daily_totals(days: int = 14) -> list[dict[str, Any]]:
    since = timezone.now() - timedelta(days=days)
    rows = (
        Challenge.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            requested=Count("pk"),
            sent=Count("pk", filter=Q(delivery_status__in=HANDED_TO_PROVIDER)),
            failed=Count("pk", filter=Q(delivery_status=DeliveryStatus.FAILED)),
            verified=Count("pk", filter=Q(consumed_at__isnull=False)),
        )
        .order_by("-day")
    )
    return [{**row, "success_rate": _rate(row["verified"], row["sent"])} for row in rows]


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def top_destinations(hours: int = 24, limit: int = 10) -> tuple[list, list]:
    """Most-asked-for countries and number prefixes in the last ``hours``."""
    since = timezone.now() - timedelta(hours=hours)
    countries: Counter[str] = Counter()
    prefixes: Counter[str] = Counter()
    digits = webotp_settings.BUDGET_PREFIX_DIGITS
    numbers = Challenge.objects.filter(created_at__gte=since).values_list("phone_number", flat=True)
    for number in numbers.iterator(chunk_size=2000):
        countries[phonenumbers.region_code_for_number(number) or "?"] += 1
        national = phonenumbers.national_significant_number(number)
        prefixes[f"+{number.country_code} {national[:digits]}"] += 1
    return countries.most_common(limit), prefixes.most_common(limit)


def queue_state() -> dict[str, Any]:
    """The task queue: codes waiting for a worker, the oldest one's wait, and whether that is
    longer than WEBOTP_QUEUE_STALL_AFTER (the workers are down or behind)."""
    count, age = sweep.queue_age()
    limit = webotp_settings.QUEUE_STALL_AFTER
    return {
        "queued": count,
        "oldest_age": None if age is None else int(age),
        "limit": limit,
        "stalled": age is not None and age > limit,
    }


def dashboard_context() -> dict[str, Any]:
    countries, prefixes = top_destinations()
    locked = (
        Challenge.objects.with_status(Status.LOCKED)
        .filter(expires_at__gt=timezone.now())
        .order_by("-created_at")
        .values("phone_number", "created_at", "attempts", "requesting_ip")[:50]
    )
    return {
        "days": daily_totals(),
        "countries": countries,
        "prefixes": prefixes,
        "locked": list(locked),
        "queue": queue_state(),
    }
