"""Readers: turn files into RawArticle objects, reporting (never raising on) bad input.

Formats: plain .txt/.md articles (first non-empty line is the headline, optional "---" front
matter on top), and .jsonl/.jsonl.gz exports with one article per line.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from search.analysis.normalize import to_nfc
from search.models import RawArticle

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINE_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md"}
WEB_URL = re.compile(r"https?://\S+\Z", re.IGNORECASE)
FRONT_MATTER_KEYS = {"title", "date", "source", "url", "summary", "countries", "officials", "id"}


@dataclass(frozen=True)
class Skipped:
    """A file or line that could not be read, and why (shown in the indexing summary)."""

    origin: str
    reason: str
    # Whether it may hold articles: a damaged file or line might be one already indexed, so a
    # pruning run keeps what it cannot see (a .pdf never held any; a duplicate id was seen).
    unread: bool = True


ReadResult = RawArticle | Skipped


def is_jsonl(path: Path) -> bool:
    return path.name.lower().endswith((".jsonl", ".jsonl.gz"))


def read_paths(paths: Iterable[Path]) -> Iterator[ReadResult]:
    """Every article under the given paths: folders recursively, single files, JSON Lines.
    A path given twice, or inside a folder also given, is read once, as part of that folder
    (its articles' ids are relative to the folder): reading it again would only report each
    of its articles as a duplicate of itself."""
    for path in _outermost(list(paths)):
        if path.is_dir():
            yield from _read_folder(path)
        elif path.is_file():
            yield from read_file(path, root=None)
        elif path.exists():
            yield Skipped(_shown(path), "not a regular file or folder")
        else:
            yield Skipped(_shown(path), "no such file or folder")


def real_location(path: str | Path) -> str:
    """Where a path is: a folder's real path (one reached through a link is the folder it leads
    to); a file's real folder and its own name (a linked file is where its link is)."""
    if os.path.isdir(path):
        return os.path.realpath(path)
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(os.path.realpath(folder), name)


def is_within(location: str, folder: str) -> bool:
    """Whether a real location is `folder` or under it."""
    return location == folder or location.startswith(folder.rstrip(os.sep) + os.sep)


def _outermost(paths: list[Path]) -> list[Path]:
    where = [real_location(p) for p in paths]
    folders = [w for p, w in zip(paths, where) if p.is_dir()]
    return [path for i, (path, here) in enumerate(zip(paths, where))
            if here not in where[:i] and not any(here != folder and is_within(here, folder) for folder in folders)]


def _read_folder(root: Path) -> Iterator[ReadResult]:
    """A folder's articles in path order. What cannot be seen is reported, not passed over: an
    unreadable subfolder or a link to nothing may hold articles already indexed (a pruning run
    keeps them). Linked folders are followed, each real folder once (a link loop is reported)."""
    files: list[Path] = []
    problems: list[Skipped] = []
    seen: set[tuple[int, int]] = set()

    def unreadable(error: OSError) -> None:
        problems.append(Skipped(_shown(Path(error.filename or root)), f"cannot read folder: {error.strerror or error}"))

    for folder, subfolders, names in os.walk(root, onerror=unreadable, followlinks=True):
        here = Path(folder)
        try:
            stat = here.stat()
        except OSError:
            continue
        if (stat.st_dev, stat.st_ino) in seen:
            problems.append(Skipped(_shown(here), "folder link loop (its articles are read once)", unread=False))
            subfolders.clear()
            continue
        seen.add((stat.st_dev, stat.st_ino))
        for name in names:
            file = here / name
            if not (file.suffix.lower() in TEXT_SUFFIXES or is_jsonl(file)):
                continue
            if file.is_file():
                files.append(file)
            elif file.is_symlink():
                problems.append(Skipped(_shown(file), "link to a missing file"))
    yield from problems
    for file in sorted(files):
        yield from read_file(file, root=root)


def _shown(path: Path) -> str:
    """A path for messages: a file name that is not UTF-8 is shown with U+FFFD, never crashes a print."""
    return str(path).encode("utf-8", "replace").decode("utf-8")


def read_file(path: Path, root: Path | None) -> Iterator[ReadResult]:
    if is_jsonl(path):
        yield from read_jsonl(path)
    elif path.suffix.lower() in TEXT_SUFFIXES:
        article_id = path.relative_to(root).with_suffix("").as_posix() if root else path.stem
        yield read_text_article(path, to_nfc(_shown(Path(article_id))))  # macOS writes names decomposed
    else:
        yield Skipped(_shown(path), "unsupported file type (use .txt, .md, .jsonl or .jsonl.gz)", unread=False)


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def read_text_article(path: Path, article_id: str) -> ReadResult:
    origin = _shown(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Skipped(origin, f"file too large ({size // (1024 * 1024)} MB, limit 5 MB)")
        data = path.read_bytes()
    except OSError as e:
        return Skipped(origin, f"cannot read file: {e.strerror or e}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its BOM (Windows' "Unicode" text)
        try:
            wide = data.decode("utf-16")
        except UnicodeDecodeError:
            return Skipped(origin, "not valid UTF-16 text")
        if len(wide) > 1 and all(c.isprintable() or c.isspace() for c in wide):  # else binary bytes that look like a BOM
            return parse_text_article(to_nfc(wide), article_id, origin)
    if b"\x00" in data:
        return Skipped(origin, "binary file")
    text = _decode(data)
    if text is None:
        return Skipped(origin, "not valid UTF-8 text")
    return parse_text_article(to_nfc(text), article_id, origin)


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """A leading block between two "---" lines of "key: value" pairs; unknown keys ignored."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() == "---":
            return _pairs(lines[1:end]), "\n".join(lines[end + 1 :])
    # never closed: the "key: value" lines right after the opening one are still its pairs
    # (the headline is what follows them, not "date: 2020-01-02")
    end = 1
    while end < min(len(lines), 60) and _front_matter_key(lines[end]):
        end += 1
    return _pairs(lines[1:end]), "\n".join(lines[end:] if end > 1 else lines)


def _front_matter_key(line: str) -> str | None:
    key, sep, _ = line.partition(":")
    return key.strip().lower() if sep and key.strip().lower() in FRONT_MATTER_KEYS else None


def _pairs(lines: list[str]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line in lines:
        if key := _front_matter_key(line):
            meta[key] = line.partition(":")[2].strip().strip("\"'")
    return meta


def _list_value(value: str | None) -> list[str] | None:
    if value is None:
        return None
    value = value.strip().strip("[]")
    return [v.strip().strip("\"'") for v in value.split(",") if v.strip().strip("\"'")]


# A first line longer than this is no headline but the text itself (a 3 MB one-line file was a
# 3 MB title, on every results page that showed it): the title is its opening words, the body all.
MAX_TITLE_CHARS = 300


def _opening_words(line: str) -> str:
    cut = line[:MAX_TITLE_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_TITLE_CHARS // 2 else cut).rstrip(" ,;:-–") + "…"


def parse_text_article(text: str, article_id: str, origin: str) -> ReadResult:
    meta, content = _split_front_matter(text)
    lines = content.splitlines()
    if not meta and lines and lines[0].strip() == "---":  # front matter never closed: not the headline
        lines = lines[1:]
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None and not meta.get("title"):
        return Skipped(origin, "empty file")
    if meta.get("title"):
        title, body = meta["title"], content.strip()
    else:
        assert first is not None
        title, body = lines[first].strip(), "\n".join(lines[first + 1 :]).strip()
        if len(title) > MAX_TITLE_CHARS:  # one long paragraph, no headline: its opening words
            title, body = _opening_words(title), "\n".join(lines[first:]).strip()
    return RawArticle(
        id=to_nfc(meta["id"]) if meta.get("id") else article_id,
        title=title,
        body=body,
        origin=origin,
        date=meta.get("date"),
        source=meta.get("source"),
        url=web_url(meta.get("url")),
        summary=meta.get("summary"),
        countries=_list_value(meta.get("countries")),
        officials=_list_value(meta.get("officials")),
    )


def _open_lines(path: Path) -> io.BufferedIOBase:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def read_jsonl(path: Path) -> Iterator[ReadResult]:
    """Streams the file: memory stays flat whatever its size, a line too large included."""
    origin = _shown(path)
    try:
        stream = _open_lines(path)
    except OSError as e:
        yield Skipped(origin, f"cannot read file: {e.strerror or e}")
        return
    with stream:
        lineno = 0
        try:
            for lineno, raw in enumerate(_bounded_lines(stream), start=1):
                if raw is None:
                    yield Skipped(f"{origin}:{lineno}", "line too large (limit 5 MB)")
                elif raw.strip():
                    yield parse_json_line(raw, f"{origin}:{lineno}")
        except (OSError, EOFError, zlib.error) as e:  # BadGzipFile is an OSError
            yield Skipped(f"{origin}:{lineno + 1}", f"file is corrupt or truncated ({e})")


def _bounded_lines(stream: io.BufferedIOBase) -> Iterator[bytes | None]:
    """The stream's lines, or None for a line over MAX_LINE_BYTES (read past, never held whole)."""
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(1024 * 1024)
        yield None


def web_url(value: str | None) -> str | None:
    """An http(s) address, or None: a javascript: or data: "url" must never become a link."""
    return value if value and WEB_URL.match(value) else None


def _optional_str(obj: dict[str, object], key: str) -> str | None:
    """A text field; a value of another shape (a list, an object, true) is ignored rather than
    kept as its Python spelling ("['VOV', 'VTV']" would become a source)."""
    value = obj.get(key)
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return None
    return to_nfc(str(value)).strip() or None


def _optional_list(obj: dict[str, object], key: str) -> list[str] | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return _list_value(value)
    if isinstance(value, list):
        names = [v.get("code") or v.get("name") if isinstance(v, dict) else v for v in value]
        return [to_nfc(str(v)) for v in names if v]
    return None


def parse_json_line(raw: bytes, origin: str) -> ReadResult:
    if len(raw) > MAX_LINE_BYTES:
        return Skipped(origin, "line too large (limit 5 MB)")
    text = _decode(raw)
    if text is None:
        return Skipped(origin, "not valid UTF-8 text")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        return Skipped(origin, f"malformed JSON ({e.msg} at column {e.colno})")
    if not isinstance(obj, dict):
        return Skipped(origin, "line is not a JSON object")
    missing = [k for k in ("id", "title", "body")
               if not isinstance(obj.get(k), (str, int)) or isinstance(obj.get(k), bool) or str(obj.get(k)).strip() == ""]
    if missing:
        return Skipped(origin, f"missing required field(s): {', '.join(missing)}")
    return RawArticle(
        id=to_nfc(str(obj["id"])).strip(),  # to_nfc: a lone surrogate (JSON "\\ud800") is no character
        title=to_nfc(str(obj["title"]).strip()),
        body=to_nfc(str(obj["body"]).strip()),
        origin=origin,
        date=_optional_str(obj, "date"),
        source=_optional_str(obj, "source"),
        url=web_url(_optional_str(obj, "url")),
        summary=to_nfc(s) if (s := _optional_str(obj, "summary")) else None,
        countries=_optional_list(obj, "countries"),
        officials=_optional_list(obj, "officials"),
    )
