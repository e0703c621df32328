"""Settings (webapp/settings.py, docs/configuration.md): defaults, a JSON config file, then
VNSEARCH_* variables, later ones winning; every value validated at start-up, and a bad one
stops `vnsearch serve` with one line naming the setting."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from webapp.settings import SETTINGS, SettingsError, load_settings, settings_markdown

DEFAULTS = {"INDEX": Path("index"), "ALLOWED_ORIGINS": (), "FRAME_ANCESTORS": "'self'", "PER_PAGE": 10,
            "MAX_PER_PAGE": 100, "MAX_QUERY_CHARS": 500, "ADMIN_TOKEN": "", "CORPUS": Path("corpus"),
            "TRUSTED_PROXY": "", "URL_PREFIX": ""}


def config_file(tmp_path: Path, content: Any) -> str:
    path = tmp_path / "vnsearch.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def test_without_any_source_every_setting_has_its_documented_default() -> None:
    assert load_settings(environ={}) == DEFAULTS
    assert [s.name for s in SETTINGS] == list(DEFAULTS)


def test_the_documented_table_is_the_settings_table() -> None:
    assert settings_markdown() in (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("text", "origins"), [
    ("", ()),
    ("https://intranet.example.org", ("https://intranet.example.org",)),
    ("https://intranet.example.org http://portal.example.org:8080", ("https://intranet.example.org", "http://portal.example.org:8080")),
    ("https://intranet.example.org/, http://portal.example.org", ("https://intranet.example.org", "http://portal.example.org")),
    ("*", ("*",)),
])
def test_allowed_origins_are_read_as_origins(text: str, origins: tuple[str, ...]) -> None:
    """Space or comma separated; a trailing slash is dropped (a browser's Origin has none)."""
    assert load_settings(environ={"VNSEARCH_ALLOWED_ORIGINS": text})["ALLOWED_ORIGINS"] == origins


@pytest.mark.parametrize("bad", ["intranet.example.org", "ftp://intranet.example.org", "//intranet.example.org",
                                 "https://intranet.example.org intranet2.example.org"])
def test_an_origin_without_its_scheme_is_refused_by_name(bad: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(environ={"VNSEARCH_ALLOWED_ORIGINS": bad})
    message = str(refused.value)
    assert message.startswith(f"setting VNSEARCH_ALLOWED_ORIGINS={bad!r}: ")
    assert "is not an origin like https://" in message


@pytest.mark.parametrize(("name", "text", "value"), [
    ("TRUSTED_PROXY", "127.0.0.1", "127.0.0.1"), ("TRUSTED_PROXY", " ::1 ", "::1"), ("TRUSTED_PROXY", "*", "*"),
    ("URL_PREFIX", "/tim-kiem/", "/tim-kiem"), ("URL_PREFIX", "/", ""), ("URL_PREFIX", "/a/b", "/a/b"),
])
def test_the_proxy_settings_are_read_in_their_one_form(name: str, text: str, value: str) -> None:
    assert load_settings(environ={f"VNSEARCH_{name}": text})[name] == value


@pytest.mark.parametrize(("name", "bad", "expected"), [
    ("TRUSTED_PROXY", "proxy.example.org", "IP address"), ("TRUSTED_PROXY", "10.0.0.0/8", "IP address"),
    ("URL_PREFIX", "tim-kiem", "a path like /tim-kiem"), ("URL_PREFIX", "/tìm?x=1", "a path like /tim-kiem"),
    ("URL_PREFIX", "https://example.org/tim-kiem", "a path like /tim-kiem"),
])
def test_a_proxy_setting_that_waitress_would_misread_is_refused_by_name(name: str, bad: str, expected: str) -> None:
    with pytest.raises(SettingsError, match=f"VNSEARCH_{name}=.*{expected}"):
        load_settings(environ={f"VNSEARCH_{name}": bad})


def test_the_default_page_size_may_not_exceed_the_largest() -> None:
    assert load_settings(environ={"VNSEARCH_PER_PAGE": "20", "VNSEARCH_MAX_PER_PAGE": "20"})["PER_PAGE"] == 20
    with pytest.raises(SettingsError, match="^setting VNSEARCH_PER_PAGE must not exceed VNSEARCH_MAX_PER_PAGE$"):
        load_settings(environ={"VNSEARCH_PER_PAGE": "50", "VNSEARCH_MAX_PER_PAGE": "20"})
    with pytest.raises(SettingsError, match="must not exceed VNSEARCH_MAX_PER_PAGE"):
        load_settings(environ={"VNSEARCH_MAX_PER_PAGE": "5"})  # against the default of 10


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("PER_PAGE", "0", "must be between 1 and 100"),
    ("PER_PAGE", "ten", "must be a whole number between 1 and 100"),
    ("MAX_PER_PAGE", "101", "must be between 1 and 100"),
    ("MAX_QUERY_CHARS", "5", "must be between 10 and 10000"),
])
def test_a_number_out_of_range_is_refused_by_name(name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(environ={f"VNSEARCH_{name}": value})
    assert str(refused.value) == f"setting VNSEARCH_{name}={value!r}: {expected}"


def test_the_environment_wins_over_the_config_file_which_wins_over_defaults(tmp_path: Path) -> None:
    path = config_file(tmp_path, {"PER_PAGE": 20, "MAX_QUERY_CHARS": 300, "INDEX": "/srv/vnsearch/index",
                                  "ALLOWED_ORIGINS": ["https://intranet.example.org/", "https://portal.example.org"]})
    settings = load_settings(environ={"VNSEARCH_CONFIG": path, "VNSEARCH_PER_PAGE": "30"})
    assert settings["PER_PAGE"] == 30  # the variable
    assert settings["MAX_QUERY_CHARS"] == 300 and settings["INDEX"] == Path("/srv/vnsearch/index")  # the file
    assert settings["ALLOWED_ORIGINS"] == ("https://intranet.example.org", "https://portal.example.org")  # a JSON list
    assert settings["MAX_PER_PAGE"] == 100 and settings["ADMIN_TOKEN"] == ""  # the defaults
    # a test's overrides (already parsed) win over both
    assert load_settings({"PER_PAGE": 7}, environ={"VNSEARCH_CONFIG": path, "VNSEARCH_PER_PAGE": "30"})["PER_PAGE"] == 7


def test_a_config_file_value_is_validated_as_a_variable_is(tmp_path: Path) -> None:
    path = config_file(tmp_path, {"PER_PAGE": 50, "MAX_PER_PAGE": 20})
    with pytest.raises(SettingsError, match="must not exceed"):
        load_settings(environ={"VNSEARCH_CONFIG": path})
    path = config_file(tmp_path, {"ALLOWED_ORIGINS": ["intranet.example.org"]})
    with pytest.raises(SettingsError, match="'intranet.example.org' is not an origin"):
        load_settings(environ={"VNSEARCH_CONFIG": path})


def test_unknown_keys_in_the_config_file_are_refused_with_the_known_ones(tmp_path: Path) -> None:
    """A typo must not be ignored silently; the prefix belongs to variables, not to the file's keys."""
    path = config_file(tmp_path, {"PER_PAGE": 20, "PERPAGE": 20, "VNSEARCH_INDEX": "x"})
    with pytest.raises(SettingsError) as refused:
        load_settings(environ={"VNSEARCH_CONFIG": path})
    known = ", ".join(sorted(DEFAULTS))
    assert str(refused.value) == f"config file {path}: unknown setting(s) PERPAGE, VNSEARCH_INDEX; known: {known}"


@pytest.mark.parametrize(("content", "expected"), [
    ('{"PER_PAGE": 20', "cannot read config file "),
    ('["https://intranet.example.org"]', "must hold a JSON object"),
    (None, "cannot read config file "),
])
def test_a_config_file_that_cannot_be_used_is_refused(tmp_path: Path, content: str | None, expected: str) -> None:
    path = config_file(tmp_path, content) if content is not None else str(tmp_path / "missing.json")
    with pytest.raises(SettingsError, match=expected) as refused:
        load_settings(environ={"VNSEARCH_CONFIG": path})
    assert path in str(refused.value)


def test_the_app_factory_refuses_bad_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from webapp import create_app

    monkeypatch.setenv("VNSEARCH_ALLOWED_ORIGINS", "intranet.example.org")
    with pytest.raises(SettingsError, match="VNSEARCH_ALLOWED_ORIGINS"):
        create_app({"INDEX": tmp_path / "ix"})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(("variables", "line"), [
    ({"VNSEARCH_PER_PAGE": "50", "VNSEARCH_MAX_PER_PAGE": "20"},
     "vnsearch: setting VNSEARCH_PER_PAGE must not exceed VNSEARCH_MAX_PER_PAGE"),
    ({"VNSEARCH_ALLOWED_ORIGINS": "intranet.example.org"},
     "vnsearch: setting VNSEARCH_ALLOWED_ORIGINS='intranet.example.org': 'intranet.example.org' is not an origin like "
     "https://intranet.example.org"),
    ({"VNSEARCH_MAX_QUERY_CHARS": "lots"},
     "vnsearch: setting VNSEARCH_MAX_QUERY_CHARS='lots': must be a whole number between 10 and 10000"),
], ids=["per-page", "origin", "number"])
def test_serve_stops_on_a_bad_setting_with_one_line(tmp_path: Path, variables: dict[str, str], line: str) -> None:
    """Before it listens: a server that started with a bad setting never returns, so the run's
    timeout is the failure then."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VNSEARCH_")} | variables
    done = subprocess.run([sys.executable, "-m", "search.cli", "serve", "--index", str(tmp_path / "ix"),
                           "--port", str(_free_port())], capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [line]


def test_a_null_in_the_config_file_is_the_default_not_the_text_none(tmp_path: Path) -> None:
    """str(None) once made {"ADMIN_TOKEN": null} turn the admin endpoint on with the token 'None'."""
    path = config_file(tmp_path, {"ADMIN_TOKEN": None, "PER_PAGE": None})
    values = load_settings(environ={"VNSEARCH_CONFIG": path})
    assert (values["ADMIN_TOKEN"], values["PER_PAGE"]) == ("", 10)


@pytest.mark.parametrize("value", [True, {"token": "x"}, ["a", 1]], ids=["bool", "object", "mixed-list"])
def test_a_config_value_that_is_not_text_is_refused_by_name(tmp_path: Path, value: Any) -> None:
    path = config_file(tmp_path, {"ADMIN_TOKEN": value})
    with pytest.raises(SettingsError, match="ADMIN_TOKEN must be text, a number or a list of texts"):
        load_settings(environ={"VNSEARCH_CONFIG": path})
