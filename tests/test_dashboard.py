"""The admin dashboard's daily chart: one bar per day, drawn to scale, readable without sight."""

from __future__ import annotations

import re
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from django_webotp.dashboard import CHART_HEIGHT, daily_chart
from django_webotp.models import Challenge

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:django_webotp_challenge_dashboard")
SVG = "{http://www.w3.org/2000/svg}"
PHONE = "+447911123456"


def chart_of(response) -> ElementTree.Element:
    found = re.search(r'<svg id="webotp-days-chart".*?</svg>', response.content.decode(), re.S)
    assert found, "no chart"
    return ElementTree.fromstring(found.group(0))


def bars(svg: ElementTree.Element, kind: str) -> list[dict[str, str]]:
    return [rect.attrib for rect in svg.iter(f"{SVG}rect") if rect.get("class") == kind]


def issue(created_at, *, verified: bool = False) -> None:
    challenge = Challenge.objects.issue(PHONE, "login", ttl=300, max_attempts=5, code_length=6)
    challenge.mark_sent("id")
    if verified:
        challenge.verify(challenge.make_code())
    Challenge.objects.filter(pk=challenge.pk).update(created_at=created_at)


def test_one_bar_per_day_with_heights_in_proportion_to_the_counts(admin_client):
    now = timezone.now()
    for _ in range(4):
        issue(now, verified=True)
    for _ in range(2):
        issue(now - timedelta(days=2))
    issue(now - timedelta(days=2), verified=True)

    svg = chart_of(admin_client.get(DASHBOARD))
    requested, verified = bars(svg, "webotp-bar-requested"), bars(svg, "webotp-bar-verified")
    days = (timezone.localdate() - timezone.localdate(now - timedelta(days=14))).days + 1
    assert len(requested) == len(verified) == days  # a day without codes has its flat bar too
    heights = [float(bar["height"]) for bar in requested]
    assert heights[-1] == CHART_HEIGHT  # today, the busiest day: 4 codes
    assert heights[-3] == CHART_HEIGHT * 3 / 4  # two days ago: 3 codes
    assert [h for i, h in enumerate(heights) if i not in (days - 1, days - 3)] == [0] * (days - 2)
    assert [float(bar["height"]) for bar in verified][-3:] == [CHART_HEIGHT / 4, 0, CHART_HEIGHT]
    for bar in requested + verified:  # every bar stands on the baseline
        assert float(bar["y"]) + float(bar["height"]) == CHART_HEIGHT
    xs = [float(bar["x"]) for bar in requested]
    assert xs == sorted(xs) and len(set(xs)) == days  # oldest day on the left, none overlap


def test_the_chart_is_an_image_whose_text_gives_every_figure(admin_client):
    issue(timezone.now(), verified=True)
    issue(timezone.now())
    svg = chart_of(admin_client.get(DASHBOARD))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "webotp-chart-title webotp-chart-desc"
    assert svg.find(f"{SVG}title").text == "Codes requested and verified per day"
    description = svg.find(f"{SVG}desc").text
    today = timezone.localdate().isoformat()
    assert description.endswith(f"{today}: 2 requested, 1 verified.")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert f"{yesterday}: 0 requested, 0 verified." in description


def test_no_codes_draws_flat_bars_without_dividing_by_zero(admin_client):
    response = admin_client.get(DASHBOARD)
    assert response.status_code == 200
    heights = {bar["height"] for bar in bars(chart_of(response), "webotp-bar-requested")}
    assert heights == {"0.0"}
    assert b"No codes yet." in response.content  # the table says so in words


def test_no_days_at_all_is_an_empty_chart():
    chart = daily_chart([], date(2026, 12, 2), date(2026, 12, 1))
    assert (chart["bars"], chart["width"]) == ([], 0)


def test_coordinates_are_written_with_a_dot_in_every_language(admin_client):
    """A Spanish admin writes 2,5 for numbers; SVG needs 2.5."""
    issue(timezone.now())
    with translation.override("es"):
        page = admin_client.get(DASHBOARD, headers={"accept-language": "es"})
    svg = chart_of(page)
    assert svg.find(f"{SVG}title").text == "Códigos pedidos y verificados por día"
    assert all("," not in bar["x"] for bar in bars(svg, "webotp-bar-verified"))
