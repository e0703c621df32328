"""Browser fixtures: the real server (`vnsearch serve`) over real indexes, host pages on other
origins for the widget, and a real Chromium driven through Playwright's sync API.

Origins used:
- the search server (corpus/ index), and a second one over a corpus of hostile articles;
- an "allowed" host page origin, listed in VNSEARCH_ALLOWED_ORIGINS of both servers;
- a "blocked" host page origin, listed nowhere.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from search.indexer import index_paths

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = REPO / "test-output" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# What a hostile archive could hold: markup in the headline, the source, the URL and the body.
HOSTILE_ARTICLE = """---
title: Cảnh báo <script>window.__pwned=1</script> tin giả
date: 2023-03-05
source: <img src=x onerror="window.__pwned=1">
url: javascript:window.__pwned=1
---
Cơ quan chức năng cảnh báo tin giả về hải sâm <img src=x onerror="window.__pwned=1"> lan truyền trên mạng.
Bấm javascript:window.__pwned=1 hoặc <a href="javascript:window.__pwned=1">liên kết này</a> sẽ không làm gì cả.
Ký tự đặc biệt: &amp; &lt;b&gt; "ngoặc kép" 'nháy đơn' <script>window.__pwned=1</script> hết.
"""
# Ordinary dated articles, so the month histogram has bars to draw.
DATED_ARTICLES = {
    "a.txt": "---\ndate: 2023-01-10\nsource: Nhân Dân\n---\nGiá hải sâm tăng mạnh\n\nGiá hải sâm tại Khánh Hòa tăng mạnh đầu năm.\n",
    "b.txt": "---\ndate: 2023-03-20\nsource: VTC News\n---\nXuất khẩu hải sâm sang Nhật Bản\n\nHải sâm Việt Nam được xuất khẩu sang Nhật Bản.\n",
    "c.txt": "---\ndate: 2023-06-02\nsource: Nhân Dân\n---\nNuôi hải sâm ở Cam Ranh\n\nNgư dân Cam Ranh nuôi hải sâm trên biển.\n",
}


# A JSON Lines export: ids with "." and ".." path segments (a browser resolves those away in a
# link), and more officials than the page lists (its top 50), one of them in a single article.
DOT_ID_ARTICLES = {"a/b/../c": "Bão số 3 đổ bộ Quảng Ninh", "./tin": "Giá vàng tăng mạnh trong tuần",
                   "..": "Học sinh Hà Nội đi học trở lại"}
LISTED_OFFICIALS = [f"{family} {given}" for family in ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
                    for given in ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà")]
UNLISTED_OFFICIAL = "Lê Thị Xuân Quỳnh"


def export_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"id": aid, "title": title, "body": f"{title}. Tin tức thời sự trong ngày, cập nhật liên tục.", "date": "2023-05-0" + str(i + 1)}
        for i, (aid, title) in enumerate(DOT_ID_ARTICLES.items())]
    pairs = [LISTED_OFFICIALS[i:i + 2] for i in range(0, len(LISTED_OFFICIALS), 2)]
    for round_ in (1, 2):  # each listed official in two articles: above the unlisted one
        for n, pair in enumerate(pairs):
            rows.append({"id": f"hop-{round_}-{n}", "title": f"Hội nghị tỉnh lần {n + 1}",
                         "body": f"Ông {pair[0]} và bà {pair[1]} dự hội nghị cán bộ tỉnh.", "officials": pair})
    rows.append({"id": "hop-le", "title": "Hội nghị văn hóa", "body": f"Bà {UNLISTED_OFFICIAL} phát biểu tại hội nghị văn hóa.",
                 "officials": [UNLISTED_OFFICIAL]})
    return rows


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    missing = pytest.mark.skip(reason=f"browser tests need Chromium at {CHROMIUM}; `make test` installs Debian's chromium")
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(missing)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class HostPages:
    """A tiny web server on its own origin whose page embeds the widget from a given search server."""

    origin: str
    server: ThreadingHTTPServer
    thread: threading.Thread

    def widget_url(self, api: str, widget_api: str | None = None) -> str:
        """The page loads embed.js from `api`; `widget_api`, if given, is the element's api attribute."""
        return f"{self.origin}/?api={api}" + (f"&widget_api={widget_api}" if widget_api else "")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class HostHandler(BaseHTTPRequestHandler):
    """GET /?api=http://127.0.0.1:PORT -> an intranet-like page with the two embedding lines
    (&widget_api=URL: the element asks that server instead of the one the script came from)."""

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        query = parse_qs(urlsplit(self.path).query)
        api = query.get("api", [""])[0]
        widget_api = query.get("widget_api", [""])[0]
        attribute = f' api="{escape(widget_api)}"' if widget_api else ""
        body = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Intranet</title>
<style>body {{ font: 14px serif; margin: 24px; max-width: 640px; }} input {{ background: #f00; }}</style>
<script src="{escape(api)}/embed.js" defer></script></head>
<body><h1>Cổng thông tin nội bộ</h1><vn-search placeholder="Tìm tin tức…"{attribute}></vn-search></body></html>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the http.server API)
        pass


def start_host_pages() -> HostPages:
    server = ThreadingHTTPServer(("127.0.0.1", 0), HostHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return HostPages(f"http://127.0.0.1:{server.server_address[1]}", server, thread)


@dataclass
class SearchServer:
    url: str
    process: subprocess.Popen[bytes]


def start_search_server(index_dir: Path, allowed_origin: str, log_path: Path, prefix: str = "") -> Iterator[SearchServer]:
    """`vnsearch serve` in a subprocess until the generator is closed; its output goes to log_path.
    With a prefix the app is served under that path (VNSEARCH_URL_PREFIX), as behind a proxy."""
    port = free_port()
    env = {**os.environ, "VNSEARCH_ALLOWED_ORIGINS": allowed_origin, "VNSEARCH_URL_PREFIX": prefix}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "search.cli", "serve", "--index", str(index_dir),
                                    "--port", str(port)], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}{prefix}"
            wait_healthy(url, process, log_path)
            yield SearchServer(url, process)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_healthy(url: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"vnsearch serve exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"vnsearch serve did not answer /healthz within {timeout}s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def allowed_host() -> Iterator[HostPages]:
    host = start_host_pages()
    yield host
    host.close()


@pytest.fixture(scope="session")
def blocked_host() -> Iterator[HostPages]:
    host = start_host_pages()
    yield host
    host.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, allowed_host: HostPages) -> Iterator[SearchServer]:
    """The real server over an index of the repository's corpus/."""
    index_dir = tmp_path_factory.mktemp("browser-index")
    assert index_paths(index_dir, [CORPUS]).indexed == 5
    yield from start_search_server(index_dir, allowed_host.origin, index_dir.parent / "serve.log")


@pytest.fixture(scope="session")
def prefixed_server(tmp_path_factory: pytest.TempPathFactory, allowed_host: HostPages) -> Iterator[SearchServer]:
    """The real server over corpus/, served under /tim-kiem as a reverse proxy would place it."""
    index_dir = tmp_path_factory.mktemp("prefixed-index")
    assert index_paths(index_dir, [CORPUS]).indexed == 5
    yield from start_search_server(index_dir, allowed_host.origin, index_dir.parent / "serve-prefixed.log", "/tim-kiem")


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory: pytest.TempPathFactory, allowed_host: HostPages) -> Iterator[SearchServer]:
    """The real server over articles with markup in every field, plus a few dated ones."""
    corpus = tmp_path_factory.mktemp("hostile-corpus")
    for name, text in {"hostile.txt": HOSTILE_ARTICLE, **DATED_ARTICLES}.items():
        (corpus / name).write_text(text, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("hostile-index")
    report = index_paths(index_dir, [corpus])
    assert report.indexed == 4, report
    yield from start_search_server(index_dir, allowed_host.origin, index_dir.parent / "serve-hostile.log")


@pytest.fixture(scope="session")
def export_server(tmp_path_factory: pytest.TempPathFactory, allowed_host: HostPages) -> Iterator[SearchServer]:
    """The real server over a JSON Lines export (export_rows)."""
    corpus = tmp_path_factory.mktemp("export-corpus")
    rows = export_rows()
    (corpus / "export.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("export-index")
    report = index_paths(index_dir, [corpus])
    assert report.indexed == len(rows), report
    yield from start_search_server(index_dir, allowed_host.origin, index_dir.parent / "serve-export.log")


@pytest.fixture(scope="session")
def dot_id_titles() -> list[str]:
    """The titles of export_server's articles whose ids hold dot segments."""
    return list(DOT_ID_ARTICLES.values())


@pytest.fixture(scope="session")
def unlisted_official() -> str:
    """An official of export_server's past the page's top 50: only the filter box finds it."""
    return UNLISTED_OFFICIAL


@pytest.fixture()
def down_url() -> str:
    """An address where nothing listens: a search server that is down."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@contextmanager
def new_context(browser: Browser, **options: object) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="vi-VN", **options)  # type: ignore[arg-type]
    context.set_default_timeout(5000)
    try:
        yield context
    finally:
        context.close()


def watch(page: Page) -> list[str]:
    """Script errors and Content-Security-Policy violations seen on the page (there must be none)."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    return problems


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A desktop page; the test fails on a script error or a CSP violation (no inline script or style)."""
    with new_context(browser, viewport=DESKTOP) as context:
        pg = context.new_page()
        problems = watch(pg)
        yield pg
    assert not problems, problems


@pytest.fixture()
def phone_page(browser: Browser) -> Iterator[Page]:
    with new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True) as context:
        pg = context.new_page()
        problems = watch(pg)
        yield pg
    assert not problems, problems


@pytest.fixture()
def no_js_page(browser: Browser) -> Iterator[Page]:
    with new_context(browser, viewport=DESKTOP, java_script_enabled=False) as context:
        yield context.new_page()


@pytest.fixture(scope="session")
def screenshot() -> Callable[..., None]:
    """screenshot(page, "name", full_page=True) saves test-output/screenshots/name.png."""

    def shoot(page: Page, name: str, full_page: bool = True) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return shoot
