"""Render an HTML file to a PNG with headless Chromium, to look at a feedback or summary
page without a browser: `python scripts/screenshot_html.py page.html page.png`.

Optional: needs a Chromium binary (`apt-get install chromium`); exits 2 without one.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars")


def find_chromium() -> str | None:
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def screenshot(html: Path, png: Path, *, width: int = 1280, height: int = 2000, timeout: float = 60) -> Path:
    """Write `png`, a screenshot of the top `height` pixels of `html`."""
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError("no Chromium found (tried " + ", ".join(CANDIDATES) + ")")
    png = Path(png).resolve()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        done = subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
             f"--window-size={width},{height}", Path(html).resolve().as_uri()],
            capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0 or not png.exists():
        raise RuntimeError(f"chromium exited with {done.returncode}: {done.stderr.strip()[-500:]}")
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2000)
    args = parser.parse_args(argv)
    try:
        print(screenshot(args.html, args.png, width=args.width, height=args.height))
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
