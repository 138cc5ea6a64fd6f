"""Schemathesis (``st run``) against the live example project, driven as a browser would be.

Every answer must be one the OpenAPI document lists, with the documented body, content type
and headers; no 5xx; undocumented methods 405; the CSRF requirement enforced. The run is
reproducible (fixed seed) and bounded (tests/api/schemathesis.toml). The browser session it
runs in has a pending challenge, so verify, resend and status meet real state.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import requests

from django_webotp import sms

CONFIG = Path(__file__).with_name("schemathesis.toml")


def browser_session(base: str) -> requests.Session:
    """A session with the CSRF cookie and a code request in flight, as an SPA has after start."""
    session = requests.Session()
    session.get(f"{base}/status/", timeout=10)
    token = session.cookies["csrftoken"]
    started = session.post(
        f"{base}/start/",
        json={"phone_number": "+447400123456"},
        headers={"X-CSRFToken": token},
        timeout=10,
    )
    assert started.status_code == 202, started.text
    return session


def run_schemathesis(url: str, session: requests.Session, directory: Path):
    cookies = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        url,
        "--header",
        f"X-CSRFToken: {session.cookies['csrftoken']}",
        "--header",
        f"Cookie: {cookies}",
        "--report",
        "har,json",
        "--report-har-path",
        str(directory / "run.har"),
        "--report-json-path",
        str(directory / "run.json"),
    ]
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=False, cwd=directory, env=env
    )
    report = json.loads((directory / "run.json").read_text())
    har = json.loads((directory / "run.har").read_text())
    return result, report, har


def statuses(har: dict, prefix: str) -> Counter:
    seen: Counter = Counter()
    for entry in har["log"]["entries"]:
        path = entry["request"]["url"].split(prefix, 1)[-1].split("?")[0]
        seen[(entry["request"]["method"], path, entry["response"]["status"])] += 1
    return seen


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_5xx_and_nothing_undocumented(live_server, tmp_path, settings):
    settings.WEBOTP_PASSKEYS = True
    settings.WEBOTP_PASSKEY_RP_ID = "localhost"
    settings.WEBOTP_RATELIMIT_PASSKEY = "100000/m"  # the fuzzer is one client, on purpose
    base = f"{live_server.url}/api/webotp"
    result, report, har = run_schemathesis(f"{base}/openapi.json", browser_session(base), tmp_path)
    seen = statuses(har, "/api/webotp")
    print(f"\nschemathesis: {report['test_cases']} in {report['running_time']:.1f}s")
    print("\n".join(f"  {m} {p} {s}: {n}" for (m, p, s), n in sorted(seen.items())))
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert report["complete"] and report["failures"] == [] and report["errors"] == []
    # start, verify, resend, status, and the passkey routes' options and answers
    assert report["operations"]["tested"] == 8
    assert report["test_cases"]["generated"] >= 100
    answered = {status for (_, _, status) in seen.elements()}
    assert not {status for status in answered if status >= 500}
    # The fuzzer reached past the defences, not only into them:
    assert ("POST", "/start/", 202) in seen  # a code was sent
    assert {("POST", "/verify/", 400), ("GET", "/status/", 200)} <= set(seen)
    assert {400, 403, 405} <= answered  # refused bodies, CSRF, other methods
    assert ("POST", "/passkeys/sign-in/options/", 200) in seen  # a ceremony began
    assert ("POST", "/passkeys/sign-in/", 400) in seen  # and a fuzzed answer was refused
    assert sms.outbox  # the live server shares this process: the SMS really went out
