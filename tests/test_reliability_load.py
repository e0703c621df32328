"""bench/load.py works: a short run of real clients against a real `vnsearch serve` has no errors."""
from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO


def test_short_load_run_has_no_errors() -> None:
    result = subprocess.run([sys.executable, "bench/load.py", "--clients", "4", "--duration", "3"],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "errors: 0" in result.stdout
    requests = int(re.search(r"^requests: (\d+)$", result.stdout, re.M).group(1))  # type: ignore[union-attr]
    assert requests > 10
    assert re.search(r"p50 [\d.]+, p95 [\d.]+, p99 [\d.]+", result.stdout)
    assert re.search(r"machine: \d+ cores", result.stdout)
