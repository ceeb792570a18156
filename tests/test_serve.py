"""`vdc serve` for real: a server on 127.0.0.1, Debian's Chromium driven by selenium through
Debian's chromium-driver, level 01 played to a win by keys, the save downloaded and verified.

Never a browser or driver download: the Service is given /usr/bin/chromedriver (so
selenium-manager is not run) and the options /usr/bin/chromium. `.ci/run` installs both with
apt-get when they are missing; without chromium the test is skipped and says why.

The game is played as in a browser: the player's name, Campaign, 01, Start, the reference
commands on the `:` line, `>` to skip to esx-02's boot, then 64× until the level is won for
good, and `e` to end it there. The test reads
the clock from the player's own saves (F2 saves; the server's saves folder is the test's),
never from the screen.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from vdc.session.save import load

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-popup-blocking", "--window-size=1280,900")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium "
           "chromium-driver; .ci/run installs them)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: str, check: Callable[[], Any], timeout: float, every: float = 0.25) -> Any:
    """Poll `check` until it returns something true; fail saying what did not happen."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = check()
        if got:
            return got
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`vdc serve` on 127.0.0.1 and a free port (its own process group, ended after); the URL
    and the saves folder."""
    port = free_port()
    saves = tmp_path / "saves"
    env = os.environ | {"VDC_DATA_DIR": str(tmp_path / "data"),
                        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("VDC_LEVELS_DIR", None)
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "vdc", "serve", "--port", str(port), "--saves-dir", str(saves)],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"

    def up() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.status == 200
        except OSError:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            return False

    try:
        wait_for("vdc serve to answer", up, 30)
        yield url, saves
    finally:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    """Headless Debian Chromium through chromium-driver, downloading into a folder of the
    test's; the driver and that folder."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chrome-profile'}")
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(downloads)})
        yield driver, downloads
    finally:
        driver.quit()


class Keys:
    """Typing into the served terminal (xterm.js's input element), a short wait after each."""

    def __init__(self, driver: Any) -> None:
        from selenium.webdriver.common.by import By

        wait_for("the game's first bytes",
                 lambda: driver.execute_script(
                     "return document.body.classList.contains('-first-byte')"), 30)
        self.box = driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")

    def __call__(self, *keys: str, pause: float = 0.6) -> None:
        for k in keys:
            self.box.send_keys(k)
            time.sleep(pause)


def saves_of(folder: Path) -> list[Any]:
    from vdc.session.save import SaveError, load

    out = []
    for p in sorted(folder.glob("*.vdcsave")):
        try:
            out.append(load(p))
        except SaveError:  # being written (never: writes are atomic), or not ours
            continue
    return out


def test_a_browser_plays_level_01_to_a_win_and_downloads_a_save_that_verifies(
        server, browser, tmp_path):
    driver = browser[0]
    try:
        play_level_01(server, browser)
    except AssertionError:  # what the browser showed, to look at (shot.sh is not needed)
        driver.save_screenshot(str(tmp_path / "browser.png"))
        print(f"the browser's screen: {tmp_path / 'browser.png'}", file=sys.stderr)
        raise


def play_level_01(server: tuple[str, Path], browser: tuple[Any, Path]) -> None:
    from selenium.webdriver.common.keys import Keys as K

    url, saves = server
    driver, downloads = browser
    driver.get(url)
    keys = Keys(driver)
    time.sleep(1.5)  # the player screen draws
    keys("ada", K.ENTER, pause=0.3)
    me = saves / "ada"
    wait_for("the player's own folder", me.is_dir, 20)
    keys(K.ENTER)  # Campaign (a new player has nothing to continue)
    keys(K.DOWN, K.ENTER)  # 01-first-light's briefing
    keys(K.ENTER)  # Start: the game, paused at 0 s

    def saved() -> Any:
        """Save now (F2: the browser keeps Ctrl+S) and read the save back: the game's state
        as the test can see it. None before the game screen is up (F2 is the game's key)."""
        keys(K.F2, pause=0.3)
        found = [s for s in saves_of(me) if not s.result]
        return max(found, key=lambda s: (s.sim_time, len(s.commands)), default=None)

    wait_for("the game screen", saved, 20, every=0.5)

    def command(text: str) -> None:
        keys(":", pause=0.8)  # the : line holds the clock while the command is typed
        keys(text, K.ENTER, pause=0.5)
        wait_for(f"{text!r} to be accepted", lambda: text in [
            c.text for c in saved().commands if c.accepted], 15, every=0.5)

    command("host power on esx-02")
    command("power on intranet-web-01")
    keys(">", ">")  # to 5 s before intranet-web-01 boots, then before esx-02 is up (55 s)
    keys(" ", pause=0.1)  # play at 1× until esx-02 is up
    wait_for("esx-02 to finish booting (sim time 61 s)",
             lambda: saved().sim_time >= 61, 60, every=0.5)
    command("power on intranet-db-01 esx-02")
    keys(*"++++++", pause=0.2)  # 64×

    def finished() -> Any:
        keys("e", pause=0)  # end now, once the level is won for good (the banner offers it)
        return next((s for s in saves_of(me) if s.result), None)

    final = wait_for("the level to end (a save with its result)", finished, 120, every=1)
    assert final.result["outcome"] == "won", final.result
    assert final.player == "ada" and final.seed == 1
    assert [c.text for c in final.commands if c.accepted] == [
        "host power on esx-02", "power on intranet-web-01", "power on intranet-db-01 esx-02"]

    keys(K.F8, pause=0.5)  # download the save, from the debrief
    got = wait_for("the downloaded save", lambda: [
        p for p in downloads.glob("*.vdcsave") if p.stat().st_size], 30)
    assert len(got) == 1 and got[0].name.startswith("01-first-light-ada-")
    r = subprocess.run([sys.executable, "-m", "vdc", "replay", str(got[0]), "--verify",
                        "--json"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["verified"], out["outcome"], out["seed"]) == (True, "won", 1)


def test_two_browser_sessions_at_once_keep_separate_saves(server, browser):
    from selenium.webdriver.common.keys import Keys as K

    url, saves = server
    driver, _ = browser
    tabs: dict[str, Keys] = {}
    for name in ("ada", "bo"):  # two tabs, two game processes, open at the same time
        if tabs:
            driver.switch_to.new_window("tab")
        driver.get(url)
        tabs[name] = Keys(driver)
        time.sleep(1.5)
        tabs[name](name, K.ENTER, pause=0.3)
        wait_for(f"{name}'s folder", (saves / name).is_dir, 20)
        tabs[name](K.ENTER, K.DOWN, K.ENTER, K.ENTER)  # Campaign, 01, Start
    for handle, (name, keys) in zip(driver.window_handles, tabs.items(), strict=True):
        driver.switch_to.window(handle)
        folder = saves / name

        def commands(k: Keys = keys, f: Path = folder) -> list[list[str]] | None:
            """Save (F2: the game screen's key) and read back each save's commands."""
            k(K.F2, pause=0.3)
            found = saves_of(f)
            return [[c.text for c in s.commands] for s in found] if found else None

        wait_for(f"{name}'s game screen", commands, 30, every=0.5)
        text = "power on intranet-web-01" if name == "ada" else "host power on esx-02"
        keys(":", pause=0.8)
        keys(text, K.ENTER)
        wait_for(f"{name}'s command in the save",
                 lambda c=commands, t=text: [t] in (c() or []), 20, every=0.5)
    mine = {name: [load(p) for p in (saves / name).glob("*.vdcsave")] for name in tabs}
    assert {name: [(s.player, [c.text for c in s.commands]) for s in found]
            for name, found in mine.items()} == {
        "ada": [("ada", ["power on intranet-web-01"])],
        "bo": [("bo", ["host power on esx-02"])],
    }
