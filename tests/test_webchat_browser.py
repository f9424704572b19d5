"""The web chat in a real headless Chromium: a worker taps, types, reloads, and the bot follows.

Skipped, loudly (see tests/fakes/browser.py), where Debian's chromium and chromium-driver are
not installed; `.ci/run` installs them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.store.base import SessionStore
from tests.fakes import SERVER_FLOWS as FLOWS
from tests.fakes import FlakyStore, serve_in_thread
from tests.fakes.browser import chromium, require_chromium
from webhooks.app import create_app

pytestmark = pytest.mark.slow  # a real headless Chromium

WAIT = 10.0


@pytest.fixture(autouse=True)
def _needs_chromium() -> None:
    require_chromium()


@pytest.fixture
def server_factory() -> Iterator[Any]:
    started: list[Any] = []

    def start(store: SessionStore | None = None) -> str:
        context = serve_in_thread(create_app(Settings(flows_dir=FLOWS, flows_reload_seconds=0), store))
        started.append(context)
        return context.__enter__()

    yield start
    for context in reversed(started):
        context.__exit__(None, None, None)


def wait(driver: Any, condition: Any, what: str) -> Any:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, WAIT, poll_frequency=0.05).until(lambda d: condition(d))
    except TimeoutException:
        log = [e.text for e in driver.find_elements("css selector", "#log li")]
        raise AssertionError(f"timed out waiting for {what}; the chat shows {log}") from None


def bot_says(driver: Any, text: str) -> Any:
    def said(d: Any) -> bool:
        return any(text in e.text for e in d.find_elements("css selector", "li.msg.bot p"))

    return wait(driver, said, f"the bot to say {text!r}")


def button(driver: Any, label: str) -> Any:
    """The last enabled button with this label (older menus are disabled)."""
    def find(d: Any) -> Any:
        found = d.find_elements("xpath", f"//button[normalize-space()='{label}']")
        found = [b for b in found if b.is_enabled()]
        return found[-1] if found else False

    return wait(driver, find, f"a button {label!r}")


def no_horizontal_scroll(driver: Any) -> bool:
    return bool(driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_worker_talks_to_the_bot_on_a_small_phone(server_factory: Any, tmp_path: Path) -> None:
    url = server_factory()
    with chromium(width=320, height=640, lang="es-MX") as driver:
        driver.get(url + "/")
        bot_says(driver, "Escribe tu pregunta")
        assert driver.execute_script("return document.documentElement.lang") == "es"
        assert driver.find_element("css selector", "label[for=text]").text == "Escribe tu mensaje"
        log = driver.find_element("id", "log")
        assert log.get_attribute("aria-live") == "polite" and log.get_attribute("role") == "log"
        assert driver.execute_script("return window.innerWidth") == 320
        assert no_horizontal_scroll(driver)

        button(driver, "Empezar").click()
        bot_says(driver, "¿Estás de acuerdo en que guarde tus respuestas?")
        yes = button(driver, "Sí")
        sizes = driver.execute_script(
            "return [...document.querySelectorAll('button')].map(b => b.getBoundingClientRect().height)")
        assert min(sizes) >= 44, "tap targets are at least 44 px high"
        yes.click()
        bot_says(driver, "Gracias por tu confianza.")
        assert not yes.is_enabled()  # an answered menu cannot be pressed again

        button(driver, "Contar mis días").click()
        bot_says(driver, "¿Cuántos días trabajas a la semana?")
        user = driver.execute_script("return localStorage.getItem('labor-bot.user')")
        assert re.fullmatch(r"[A-Za-z0-9_-]{8,64}", user)

        driver.refresh()  # the same browser keeps its anonymous id and its conversation
        bot_says(driver, "Escribe tu pregunta")
        assert driver.execute_script("return localStorage.getItem('labor-bot.user')") == user
        box = driver.find_element("id", "text")
        box.send_keys("5")
        box.send_keys("\n")
        bot_says(driver, "Trabajas 5 días a la semana.")
        mine = [e.text for e in driver.find_elements("css selector", "li.msg.me p")]
        assert mine == ["5"]
        assert no_horizontal_scroll(driver)
        driver.save_screenshot(str(tmp_path / "webchat-320.png"))


def test_an_english_browser_gets_the_english_page(server_factory: Any) -> None:
    url = server_factory()
    with chromium(lang="en-US") as driver:
        driver.get(url + "/")
        bot_says(driver, "Write your question")
        assert driver.execute_script("return document.documentElement.lang") == "en"
        assert driver.find_element("css selector", "label[for=text]").text == "Type your message"
        button(driver, "Start").click()
        button(driver, "Yes")
        assert button(driver, "No").is_enabled()


def test_a_failed_send_can_be_retried_without_sending_twice(server_factory: Any) -> None:
    url = server_factory(FlakyStore(failures=1))
    with chromium() as driver:
        driver.get(url + "/")
        button(driver, "Empezar").click()
        wait(driver, lambda d: "problemas" in d.find_element("id", "status").text, "the error")
        button(driver, "Reintentar").click()
        bot_says(driver, "¡Hola! Soy el bot de prueba")
        assert [e.text for e in driver.find_elements("css selector", "li.msg.me p")] == ["hola"]
        assert driver.find_element("id", "status").text == ""
