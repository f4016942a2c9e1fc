"""Take docs/screenshot.png: the dashboard at 1280x800 in headless chromium (same tooling as the tests).

Usage: python tests/browser/screenshot.py [DB_URL] [QUERY]; without DB_URL the sample articles
are ingested into a temporary store first.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, REPO, DashboardServer  # noqa: E402


def main(argv: list[str]) -> int:
    """Start the dashboard, open it, save a PNG."""
    tmp = tempfile.mkdtemp(prefix="timeline-shot-")
    url = argv[0] if argv else f"sqlite:///{tmp}/events.db"
    query = argv[1] if len(argv) > 1 else ""
    if not argv:
        subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(REPO / "data" / "articles"),
                        "--db", url], cwd=REPO, check=True, capture_output=True)
    from playwright.sync_api import sync_playwright
    srv = DashboardServer(url)
    try:
        srv.wait()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(srv.base + query)
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
            page.wait_for_timeout(1500)
            out = REPO / "docs" / "screenshot.png"
            out.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(out))
            browser.close()
        print(out)
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
