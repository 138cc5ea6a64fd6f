"""A real Chromium (Debian's /usr/bin/chromium) driven by Playwright, against the live server.

Never ``playwright install``: it downloads browser builds, which this project does without.
``bash scripts/test`` installs Chromium with apt-get and axe-core with npm.
"""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from .support import CHROMIUM, CHROMIUM_ARGS, DESKTOP_VIEWPORT, TIMEOUT_MS


@pytest.fixture(scope="module")
def chromium():
    """One Chromium per test module.

    Module scope, not session: while Playwright's sync API is open, an asyncio loop counts as
    running in this thread, which would leak into every later test (Django's async-safety
    check, ``asyncio.run``). For the same reason the ORM calls of these tests need
    DJANGO_ALLOW_ASYNC_UNSAFE, set only while the browser is open.
    """
    if not CHROMIUM.exists():
        pytest.skip(
            f"BROWSER TESTS NOT RUN: {CHROMIUM} is missing. Install Debian's chromium "
            "(bash scripts/test does it with apt-get when run as root)."
        )
    from playwright.sync_api import expect, sync_playwright

    # expect() waits 5 s by default, whatever the context's timeout: on a loaded 2-core machine
    # a WebAuthn ceremony or a reload can take longer, so assertions wait as long as actions.
    expect.set_options(timeout=TIMEOUT_MS)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(chromium, live_server):
    """``new_page(viewport=..., javascript=True, init_script=None, locale=None,
    color_scheme=None)``: a page in a fresh context; ``locale`` ("es-ES") is the browser's
    language, sent as Accept-Language; ``color_scheme`` ("dark") what the page's
    prefers-color-scheme reads."""
    contexts = []

    def make(viewport=None, javascript=True, init_script=None, locale=None, color_scheme=None):
        context = chromium.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP_VIEWPORT,
            java_script_enabled=javascript,
            **({"locale": locale} if locale else {}),
            **({"color_scheme": color_scheme} if color_scheme else {}),
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def verify_posts():
    """``watch(page)`` records each POST of a code (to the verify URL) that the page sends."""
    verify_url = reverse("webotp:verify")
    posts = []

    def watch(page):
        page.on(
            "request",
            lambda request: (
                posts.append(request.post_data)
                if request.method == "POST" and request.url.endswith(verify_url)
                else None
            ),
        )
        return posts

    return watch
