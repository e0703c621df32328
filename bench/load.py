"""Load test: N concurrent clients against a real `vnsearch serve` on 127.0.0.1 for a bounded time.

    .venv/bin/python bench/load.py [--clients 16] [--duration 20] [--index DIR] [--threads 8]

Without --index it builds an index of corpus/ in a temporary folder first. Each client keeps one
HTTP connection and cycles through a fixed mix of realistic Vietnamese queries, with and without
diacritics, with facet filters, article pages and suggestions. Traffic goes to 127.0.0.1 only and
is bounded both in time and in count (--max-requests). Prints the request count, errors (exit
status 1 if any), p50/p95/p99 latency, requests per second and the machine it ran on.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # never anything else: this script must not send traffic off the machine
QUERIES = [
    "đàm phán bí mật", "dam phan bi mat", "Nga", "Mỹ", "Ukraine", "Sergei Lavrov", "lavrov", "Điện Kremlin",
    "ngoại trưởng Nga", "hòa bình", "hoà bình", "an ninh quốc tế", "xung đột ở Ukraine", "Mát-xcơ-va",
    '"đàm phán bí mật"', "Nga -Mỹ", "Nga OR Anh", "title:Nga", "ngoai giao", "thoả thuận", "đối thoại*",
    "Thủ tướng", "Liên hợp quốc", "vũ khí hạt nhân", "",
]
FILTERS = [
    {}, {}, {}, {"country": "RU"}, {"country": ["US", "GB"]}, {"official": "Sergei Lavrov"}, {"sort": "newest"},
    {"from": "2022", "to": "2024-06"}, {"page": "2", "per_page": "2"},
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def build_index(folder: Path) -> Path:
    index_dir = folder / "index"
    subprocess.run([sys.executable, "-m", "search.cli", "index", "--index", str(index_dir), str(REPO / "corpus")],
                   cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return index_dir


def start_server(index_dir: Path, port: int, threads: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([sys.executable, "-m", "search.cli", "serve", "--index", str(index_dir), "--host", HOST,
                               "--port", str(port), "--threads", str(threads)], cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"load: the server exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("load: the server did not answer /healthz within 60 s")


def article_ids(port: int) -> list[str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", "/api/search?per_page=20")
    ids = [h["id"] for h in json.loads(conn.getresponse().read())["hits"]]
    conn.close()
    return ids


def request_mix(ids: list[str]) -> list[str]:
    """A fixed, reproducible list of paths; clients start at different offsets."""
    paths: list[str] = []
    for n, q in enumerate(QUERIES):
        params = {"q": q, **FILTERS[n % len(FILTERS)]}
        paths.append("/api/search?" + urlencode(params, doseq=True))
        if n % 3 == 0:
            paths.append("/?" + urlencode(params, doseq=True))  # the HTML page, same data path
        if n % 4 == 0 and q:
            paths.append("/api/suggest?" + urlencode({"q": q[:4]}))
    for article_id in ids[:5]:
        paths.append("/api/articles/" + quote(article_id, safe="/"))
        paths.append("/articles/" + quote(article_id, safe="/") + "?q=" + quote("Nga"))
    return paths


def client(port: int, paths: list[str], offset: int, deadline: float, budget: threading.Semaphore, tally: Tally) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    n = offset
    while time.monotonic() < deadline and budget.acquire(blocking=False):
        path = paths[n % len(paths)]
        n += 1
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
            problem = f"{response.status} {path}"
        except (OSError, http.client.HTTPException) as e:
            ok, problem = False, f"{type(e).__name__} {path}"
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
        elapsed = time.perf_counter() - started
        with tally.lock:
            tally.latencies.append(elapsed)
            if not ok:
                tally.errors.append(problem)
    conn.close()


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))]


def machine() -> str:
    memory = "?"
    try:
        total_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                        if line.startswith("MemTotal:"))
        memory = f"{total_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return (f"{os.cpu_count()} cores, {memory} memory, {platform.machine()} {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of traffic (default 20, at most 600)")
    parser.add_argument("--index", type=Path, help="index to serve (default: build one from corpus/)")
    parser.add_argument("--threads", type=int, default=8, help="server worker threads (default 8, as `serve`)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="stop after this many (default 200000)")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 256 and 0 < args.duration <= 600 and args.max_requests > 0):
        parser.error("need 1-256 clients, a duration of at most 600 s and a positive --max-requests")

    with tempfile.TemporaryDirectory(prefix="vnsearch-load-") as tmp:
        index_dir = args.index or build_index(Path(tmp))
        port = free_port()
        server = start_server(index_dir, port, args.threads)
        try:
            paths = request_mix(article_ids(port))
            tally = Tally()
            budget = threading.Semaphore(args.max_requests)
            started = time.monotonic()
            deadline = started + args.duration
            threads = [threading.Thread(target=client, args=(port, paths, i * 7, deadline, budget, tally))
                       for i in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    lat = sorted(tally.latencies)
    print(f"machine: {machine()}")
    print(f"clients: {args.clients}, server threads: {args.threads}, duration: {elapsed:.1f} s, "
          f"request mix: {len(paths)} paths")
    print(f"requests: {len(lat)}")
    print(f"errors: {len(tally.errors)}")
    print(f"latency ms: p50 {percentile(lat, 50) * 1000:.1f}, p95 {percentile(lat, 95) * 1000:.1f}, "
          f"p99 {percentile(lat, 99) * 1000:.1f}, mean {statistics.fmean(lat) * 1000 if lat else float('nan'):.1f}")
    print(f"requests/s: {len(lat) / elapsed:.1f}")
    for problem in sorted(set(tally.errors))[:10]:
        print(f"  error: {problem}", file=sys.stderr)
    return 1 if tally.errors or not lat else 0


if __name__ == "__main__":
    sys.exit(main())
