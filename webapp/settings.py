"""Every setting in one table: name, default, parser and help text, validated at start-up.

Settings come from (later wins): the defaults here, an optional config file named by
VNSEARCH_CONFIG (JSON with the same keys), then VNSEARCH_* environment variables.
"""
from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it and says what is expected."""


def _int_range(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"must be a whole number between {low} and {high}") from None
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return parse


def _origins(text: str) -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in text.replace(",", " ").split() if o.strip())
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise ValueError(f"{origin!r} is not an origin like https://intranet.example.org")
    return origins


def _proxy(text: str) -> str:
    text = text.strip()
    if text not in ("", "*"):
        try:
            ipaddress.ip_address(text)
        except ValueError:
            raise ValueError("must be the proxy's IP address (e.g. 127.0.0.1), * or empty") from None
    return text


def _url_prefix(text: str) -> str:
    prefix = text.strip().rstrip("/")
    if prefix and (not prefix.startswith("/") or any(c in prefix for c in "?#% \\")):
        raise ValueError("must be a path like /tim-kiem, or empty")
    return prefix


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    parse: Callable[[str], Any]
    help: str


SETTINGS = (
    Setting("INDEX", "index", Path, "Folder of the Whoosh index to serve."),
    Setting("ALLOWED_ORIGINS", "", _origins,
            "Origins (space or comma separated) allowed to call the JSON API from a browser (CORS) and to use /embed.js. Empty: same origin only."),
    Setting("FRAME_ANCESTORS", "'self'", str,
            "Value of Content-Security-Policy frame-ancestors for /embed, e.g. \"'self' https://intranet.example.org\"."),
    Setting("PER_PAGE", "10", _int_range(1, 100), "Default results per page."),
    Setting("MAX_PER_PAGE", "100", _int_range(1, 100), "Largest per_page a client may ask for."),
    Setting("MAX_QUERY_CHARS", "500", _int_range(10, 10000), "Longest query accepted (characters)."),
    Setting("ADMIN_TOKEN", "", str, "Bearer token for endpoints that change the index (POST /api/admin/reindex). Empty: those endpoints are disabled."),
    Setting("CORPUS", "corpus", Path, "Archive folder re-indexed by POST /api/admin/reindex."),
    Setting("TRUSTED_PROXY", "", _proxy,
            "IP address of a reverse proxy (or * for any) whose X-Forwarded-For, -Host, -Proto and -Port headers `vnsearch serve` believes, so links and /opensearch.xml name the public address. Empty: those headers are dropped."),
    Setting("URL_PREFIX", "", _url_prefix,
            "Path the reverse proxy serves the app under, e.g. /tim-kiem (`vnsearch serve`); every link and API call carries it. Empty: the site root."),
)


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Resolve and validate every setting. `overrides` (tests) are taken as already parsed."""
    env = os.environ if environ is None else environ
    raw: dict[str, str] = {s.name: s.default for s in SETTINGS}
    config_file = env.get("VNSEARCH_CONFIG")
    if config_file:
        raw.update(_read_config(Path(config_file)))
    for s in SETTINGS:
        if f"VNSEARCH_{s.name}" in env:
            raw[s.name] = env[f"VNSEARCH_{s.name}"]
    values: dict[str, Any] = {}
    for s in SETTINGS:
        if overrides and s.name in overrides:
            values[s.name] = overrides[s.name]
            continue
        try:
            values[s.name] = s.parse(raw[s.name])
        except ValueError as e:
            raise SettingsError(f"setting VNSEARCH_{s.name}={raw[s.name]!r}: {e}") from e
    if values["PER_PAGE"] > values["MAX_PER_PAGE"]:
        raise SettingsError("setting VNSEARCH_PER_PAGE must not exceed VNSEARCH_MAX_PER_PAGE")
    return values


def _read_config(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SettingsError(f"cannot read config file {path}: {e}") from e
    if not isinstance(data, dict):
        raise SettingsError(f"config file {path} must hold a JSON object")
    known = {s.name for s in SETTINGS}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"config file {path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return {k: _config_text(path, k, v) for k, v in data.items() if v is not None}  # null: the default


def _config_text(path: Path, name: str, value: Any) -> str:
    """A config value as the text an environment variable would hold. str() would read a JSON null
    as 'None' and true as 'True': an admin token nobody chose."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return " ".join(value)
    raise SettingsError(f"config file {path}: {name} must be text, a number or a list of texts, not {json.dumps(value)[:40]}")


def settings_markdown() -> str:
    """The settings table for docs/configuration.md."""
    rows = [f"| `VNSEARCH_{s.name}` | `{s.default}` | {s.help} |" for s in SETTINGS]
    return "| variable | default | meaning |\n|---|---|---|\n" + "\n".join(rows)
