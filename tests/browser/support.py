"""Constants and helpers of the browser tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
# test-artifacts/ (not committed) by default; bash scripts/screenshots sets WEBOTP_SCREENSHOTS
# to docs/_static/screenshots/, the committed copies the documentation shows.
SCREENSHOTS = Path(os.environ.get("WEBOTP_SCREENSHOTS") or ROOT / "test-artifacts" / "screenshots")
PHONE_VIEWPORT = {"width": 390, "height": 844}
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000


def start_sign_in(page, phone: str):
    """From the phone page to the code page, as a person does it."""
    page.goto(reverse("webotp:login"))
    page.get_by_label("Phone number").fill(phone)
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_url(f"**{reverse('webotp:verify')}")


def screenshot(page, name: str) -> Path:
    size = page.viewport_size
    path = SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_violations(page) -> list[str]:
    """axe-core's violations of impact serious or critical, one line each."""
    if not AXE.exists():
        pytest.skip(
            f"AXE NOT RUN: {AXE} is missing. Run bash scripts/test, which installs axe-core "
            "with npm into .cache/node."
        )
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'])})"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def session_log(page) -> list:
    """Events the init scripts below wrote to sessionStorage (kept across navigations)."""
    return page.evaluate("JSON.parse(sessionStorage.getItem('webotp-test-log') || '[]')")


# Shared by the init scripts: append an event to sessionStorage, which survives the page
# navigating away (a submit) within the same tab and origin.
LOG_JS = """
const webotpTestLog = (event) => {
  const all = JSON.parse(sessionStorage.getItem('webotp-test-log') || '[]');
  all.push(event);
  sessionStorage.setItem('webotp-test-log', JSON.stringify(all));
};
"""
