"""A real headless Chromium (Debian's `chromium` and `chromium-driver`) driven through Selenium.

Also a pytest plugin: listed in `pytest_plugins`, it repeats at the end of the run, in red,
that the browser tests were skipped when no Chromium was found, so a skip is not taken for a pass.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

INSTALL_HINT = (
    "Chromium not found: the web chat browser tests need Debian's `chromium` and `chromium-driver` "
    "(`apt-get install -y chromium chromium-driver`) and the selenium package"
)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
         "--disable-sync", "--disable-default-apps", "--no-default-browser-check")


def _which(name: str, fallback: str) -> str | None:
    found = shutil.which(name)
    return found or (fallback if Path(fallback).exists() else None)


def find_chromium() -> tuple[str, str] | None:
    """(browser, driver) paths, or None when either (or selenium) is missing."""
    browser = _which("chromium", "/usr/bin/chromium")
    driver = _which("chromedriver", "/usr/bin/chromedriver")
    try:
        import selenium  # noqa: F401
    except ImportError:
        return None
    return (browser, driver) if browser and driver else None


def require_chromium() -> tuple[str, str]:
    found = find_chromium()
    if found is None:
        pytest.skip(INSTALL_HINT)
    return found


@contextmanager
def chromium(width: int = 360, height: int = 740, lang: str = "es-MX") -> Iterator[Any]:
    """A headless Chromium at `width` CSS pixels whose preferred language is `lang`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = require_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in FLAGS:
        options.add_argument(flag)
    # Headless windows are at least 500 px wide: a phone's width is emulated instead.
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {
        "width": width, "height": height, "pixelRatio": 1.0, "touch": True, "mobile": True}})
    options.add_argument(f"--lang={lang}")
    options.add_experimental_option("prefs", {"intl.accept_languages": f"{lang},{lang.split('-')[0]}"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        driver.set_page_load_timeout(15)
        driver.set_script_timeout(15)
        yield driver
    finally:
        driver.quit()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if find_chromium() is None:
        terminalreporter.write_sep("!", INSTALL_HINT, red=True, bold=True)
