"""`vnsearch serve` behind a reverse proxy (VNSEARCH_TRUSTED_PROXY, VNSEARCH_URL_PREFIX): what a
user's browser is told (links, /opensearch.xml) names the public address the proxy forwards,
and a client that is not the proxy cannot choose it with a forged header."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import REPO

FORWARDED = {"X-Forwarded-Host": "search.example.org", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@contextmanager
def serving(index: Path, **settings: str) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, **{f"VNSEARCH_{k}": v for k, v in settings.items()}}
    server = subprocess.Popen([sys.executable, "-m", "search.cli", "serve", "--index", str(index), "--port", str(port)],
                              cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}{settings.get('URL_PREFIX', '')}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "vnsearch serve did not start"
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def test_behind_its_trusted_proxy_the_public_address_and_prefix_are_named(sample_index: Path) -> None:
    with serving(sample_index, TRUSTED_PROXY="127.0.0.1", URL_PREFIX="/tim-kiem") as url:
        status, xml = fetch(url + "/opensearch.xml", FORWARDED)
        assert status == 200
        assert 'template="https://search.example.org/tim-kiem/?q={searchTerms}"' in xml
        assert "https://search.example.org/tim-kiem/api/suggest?q={searchTerms}" in xml
        status, page = fetch(url + "/?q=Lavrov", FORWARDED)
        assert status == 200 and "<mark>Lavrov</mark>" in page
        links = re.findall(r'(?:href|src|action|data-suggest-url|data-values-url)="(/[^"]*)"', page)
        assert links and all(link.startswith("/tim-kiem/") for link in links), links
        status, body = fetch(url + "/api/search?q=Lavrov")
        assert status == 200 and '"total"' in body
        # a proxy that strips the prefix before passing a request on is served too, links prefixed
        status, page = fetch(url.replace("/tim-kiem", "") + "/?q=Lavrov", FORWARDED)
        assert status == 200 and 'href="/tim-kiem/static/' in page


def test_without_a_trusted_proxy_forged_forwarded_headers_change_nothing(sample_index: Path) -> None:
    with serving(sample_index) as url:
        status, xml = fetch(url + "/opensearch.xml", FORWARDED)
        assert status == 200 and "search.example.org" not in xml and "https://" not in xml
        assert f'template="{url}/?q={{searchTerms}}"' in xml
