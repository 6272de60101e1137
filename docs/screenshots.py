"""Regenerate the README screenshots in headless Chromium: ``.venv/bin/python docs/screenshots.py``.

Builds a throwaway SQLite store from examples/brackwell-derailment with ``storycheck add``,
serves it with ``storycheck serve`` on a free port of 127.0.0.1, checks that its self-contained
HTML report (``story ID --html``) draws both pictures too, and saves into docs/:

- story-timeline.png, story-tree.png: the two pictures (claim timeline, family trees) of the
  story page, as element screenshots of their SVG;
- story-page.png: the top of that story page;
- report-example.png: the top of the report of ``storycheck compare examples/merrow-bridge --html``
  (what ``make demo`` writes).

Needs Chromium on PATH (chromium, chromium-browser or google-chrome) and playwright (the test extra).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storycheck._output import write_output

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXE = Path(sys.executable).with_name("storycheck")
#: The README's screenshots are taken at a laptop-wide window.
WIDTH = 1280
#: Tall enough for the title, the matrix header and its first rows.
PAGE_HEIGHT = 1000


def cli(*args: str) -> str:
    """Run the storycheck CLI; its stdout (a failure stops the script with the CLI's own error line)."""
    r = subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        sys.exit(f"storycheck {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def biggest_story(db: Path) -> str:
    stories = json.loads(cli("stories", "--db", str(db), "--json"))["stories"]
    return str(max(stories, key=lambda s: s["size"])["id"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(db: Path) -> Iterator[str]:
    """``storycheck serve`` over ``db`` on 127.0.0.1; yields its URL once it answers, stops it after."""
    port = free_port()
    proc = subprocess.Popen([str(EXE), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # up to 20 s for the server to start
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit(f"storycheck serve did not answer on {url}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def save_pictures(page: Page, prefix: str, names: list[str]) -> None:
    """Element screenshots of the page's picture SVGs, in order, as docs/{prefix}-{name}.png."""
    figures = page.locator("figure.pic svg")
    if figures.count() != len(names):
        sys.exit(f"{page.url}: {figures.count()} pictures, expected {len(names)}")
    for i, name in enumerate(names):
        write_output(DOCS / f"{prefix}-{name}.png", figures.nth(i).screenshot())


def check_pictures(page: Page) -> None:
    """The page draws both pictures at a readable size, or the script stops saying so."""
    svgs = page.locator("figure.pic svg")
    boxes = [svgs.nth(i).bounding_box() for i in range(svgs.count())]
    if len(boxes) != 2 or any(b is None or b["height"] < 100 for b in boxes):
        sys.exit(f"{page.url}: expected two drawn pictures, got {boxes}")


#: Console errors and uncaught exceptions of every page opened; the script fails if any.
ERRORS: list[str] = []


def new_page(browser: Browser, height: int = PAGE_HEIGHT) -> Page:
    page = browser.new_page(viewport={"width": WIDTH, "height": height})
    page.on("console", lambda m: ERRORS.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: ERRORS.append(f"{page.url}: {e}"))
    return page


def main() -> None:
    exe = next((found for n in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(n))), None)
    if exe is None:
        sys.exit("no Chromium on PATH (chromium, chromium-browser or google-chrome)")
    with tempfile.TemporaryDirectory() as tmp:
        db, report, demo = Path(tmp) / "s.db", Path(tmp) / "story.html", Path(tmp) / "demo.html"
        cli("add", str(ROOT / "examples" / "brackwell-derailment"), "--db", str(db))
        sid = biggest_story(db)
        cli("story", sid, "--db", str(db), "--html", str(report))
        cli("compare", str(ROOT / "examples" / "merrow-bridge"), "--html", str(demo))
        with sync_playwright() as pw, served(db) as url:
            browser = pw.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
            page = new_page(browser)
            page.goto(f"{url}/stories/{sid}")
            page.wait_for_selector("figure.pic svg")
            write_output(DOCS / "story-page.png", page.screenshot())
            save_pictures(page, "story", ["timeline", "tree"])
            page = new_page(browser)
            page.goto(report.as_uri())
            check_pictures(page)
            page = new_page(browser, 1300)
            page.goto(demo.as_uri())
            write_output(DOCS / "report-example.png", page.screenshot())
            browser.close()
    if ERRORS:
        sys.exit("\n".join(ERRORS))
    for png in sorted(DOCS.glob("*.png")):
        print(f"{png.relative_to(ROOT)}  {png.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
