"""The operator's dashboard: what the SMS endpoint is doing now, for the view during an attack."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import phonenumbers
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .conf import webotp_settings
from .delivery import sweep
from .models import Challenge, DeliveryStatus, Status

__all__ = ["daily_chart", "dashboard_context"]

HANDED_TO_PROVIDER = [DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.UNDELIVERED]

#: The daily chart's drawing, in SVG user units: the bars' area, one day's slot, its bar.
CHART_HEIGHT = 100
CHART_SLOT = 24
CHART_BAR = 18
CHART_LABELS = 16  # below the bars: each day's date


DAYS = 14


def daily_totals(days: int = DAYS) -> list[dict[str, Any]]:
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


def daily_chart(days: list[dict[str, Any]], first: date, last: date) -> dict[str, Any]:
    """The daily totals drawn as bars, one slot per day from ``first`` to ``last`` (a day
    without codes too): each day's codes requested, and inside it those verified, their
    heights proportional to the busiest day's requests. Coordinates are worked out here, so
    the template only writes them out."""
    by_day = {row["day"]: row for row in days}
    count = (last - first).days + 1
    dates = [first + timedelta(days=n) for n in range(max(count, 0))]
    peak = max((by_day.get(d, {}).get("requested", 0) for d in dates), default=0)
    bars = []
    for n, day in enumerate(dates):
        row = by_day.get(day, {})
        requested, verified = row.get("requested", 0), row.get("verified", 0)
        x = n * CHART_SLOT + (CHART_SLOT - CHART_BAR) / 2
        bars.append(
            {
                "day": day,
                "requested": requested,
                "verified": verified,
                "x": x,
                "inner_x": x + CHART_BAR / 4,
                "label_x": x + CHART_BAR / 2,
                "requested_bar": _bar(requested, peak),
                "verified_bar": _bar(verified, peak),
            }
        )
    return {
        "bars": bars,
        "width": len(dates) * CHART_SLOT,
        "height": CHART_HEIGHT + CHART_LABELS,
        "baseline": CHART_HEIGHT,
        "label_y": CHART_HEIGHT + CHART_LABELS - 4,
        "bar_width": CHART_BAR,
        "inner_width": CHART_BAR / 2,
    }


def _bar(value: int, peak: int) -> dict[str, float]:
    """A bar's top and height for ``value`` out of ``peak`` (no codes at all: flat)."""
    height = round(CHART_HEIGHT * value / peak, 2) if peak else 0.0
    return {"y": round(CHART_HEIGHT - height, 2), "height": height}


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
    days = daily_totals()
    # The days TruncDate counts in (the current time zone's), back to the one ``since`` is in.
    first = timezone.localdate(timezone.now() - timedelta(days=DAYS))
    return {
        "days": days,
        "chart": daily_chart(days, first, timezone.localdate()),
        "countries": countries,
        "prefixes": prefixes,
        "locked": list(locked),
        "queue": queue_state(),
    }
