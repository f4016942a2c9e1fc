"""Real-browser fixtures: a headless chromium and a page (helpers in ``browser_helpers``)."""
from __future__ import annotations

import pytest

from browser_helpers import CHROMIUM_ARGS, chromium_path


@pytest.fixture(scope="session")
def browser():
    """A headless chromium driven by playwright (never ``playwright install``)."""
    path = chromium_path()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    """A fresh browser context and page at 1280x800 (downloads allowed)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    pg = ctx.new_page()
    yield pg
    ctx.close()
