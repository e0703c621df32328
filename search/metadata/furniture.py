"""Removing site furniture (link lists, widgets, reader prompts, file names) from a page.

Furniture is recognised by its shape, so unseen sites are handled too: a known section
heading or a run of headline + timestamp pairs opens a block that lasts while its lines look
like a list of links; single lines are dropped when they are widget labels, image file names,
repeated captions ("... - Hình 1") or repeats of an earlier line.
"""
from __future__ import annotations

import re

from .data import furniture
from .text import squash_spaces

_TIMESTAMP = re.compile(
    r"(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\s*[-,|]?\s*\d{1,2}:\d{2}(?::\d{2})?"
    r"|\d+\s+(?:giây|phút|giờ|ngày)\s+trước)"
    r"(?:\s*(?:GMT|ICT)?\s*[+-]?\d*)?",
    re.IGNORECASE,
)
# Image file names left by scrapers: "nga-anh-06493419", "anh-1_1652.jpg".
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)+(?:\.(?:jpe?g|png|gif|webp))?|[\w-]+\.(?:jpe?g|png|gif|webp)")
# A caption heading repeated from the title: "Tiêu đề bài - Hình 1", "... - Ảnh 2".
_NUMBERED_CAPTION = re.compile(r".+\s[-–]\s(?:Hình|Ảnh|Hinh|Anh)\s*\d+")
_HEADLINE_MAX = 160  # characters; link titles are short, article paragraphs rarely are
_REPEAT_MIN = 30  # shorter lines ("Ông nói:") may legitimately repeat
_LIST_TIMESTAMPS = 2  # timestamps close together make a link list even without a heading
_LIST_GAP = 8  # lines


def clean_body(body: str) -> str:
    """The article's own text: furniture lines removed, paragraphs kept, blank runs collapsed."""
    lines = [squash_spaces(line) for line in body.split("\n")]
    drop = _furniture_lines(lines)
    kept: list[str] = []
    for index, line in enumerate(lines):
        if index in drop or (not line and (not kept or not kept[-1])):
            continue
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def _furniture_lines(lines: list[str]) -> set[int]:
    headings, widgets = furniture()
    list_starts = _timestamp_list_starts(lines)
    drop: set[int] = set()
    seen: set[str] = set()
    index = 0
    while index < len(lines):
        line = lines[index]
        key = line.lower().rstrip(":").strip()
        if key in headings or index in list_starts:
            end = _block_end(lines, index)
            drop.update(range(index, end))
            index = end
            continue
        if key in widgets:
            drop.add(index)
            if key.endswith("?"):  # a reader prompt; its answer buttons follow
                index = _drop_answers(lines, index + 1, drop)
                continue
        elif _is_single_furniture(line) or (len(line) >= _REPEAT_MIN and line in seen):
            drop.add(index)
        seen.add(line)
        index += 1
    return drop


def _is_single_furniture(line: str) -> bool:
    return bool(line) and (
        _SLUG.fullmatch(line) is not None
        or _NUMBERED_CAPTION.fullmatch(line) is not None
        or _TIMESTAMP.fullmatch(line) is not None
        or _is_doubled(line)
    )


def _is_doubled(line: str) -> bool:
    """"TitleTitle": link lists that print a headline twice (image alt text + link text)."""
    half = len(line) // 2
    return len(line) >= 20 and len(line) % 2 == 0 and line[:half] == line[half:]


def _drop_answers(lines: list[str], index: int, drop: set[int]) -> int:
    while index < len(lines) and (not lines[index] or len(lines[index].split()) <= 2):
        drop.add(index)
        index += 1
    return index


def _is_headline_shaped(line: str) -> bool:
    # Link titles do not end with a full stop; article paragraphs do.
    return len(line) <= _HEADLINE_MAX and not line.endswith((".", ":", ";", ","))


def _block_end(lines: list[str], start: int) -> int:
    """Index of the first line after a link list that starts at `start`."""
    headings, widgets = furniture()
    after_timestamp = False
    index = start
    while index < len(lines):
        line = lines[index]
        key = line.lower().rstrip(":").strip()
        if not line:
            index += 1
            continue
        if _TIMESTAMP.fullmatch(line):
            after_timestamp = True
        elif after_timestamp or key in headings or key in widgets or _is_single_furniture(line):
            after_timestamp = False  # a teaser under a timestamp, or another label
        elif _is_headline_shaped(line):
            pass
        else:
            return index
        index += 1
    return index


def _timestamp_list_starts(lines: list[str]) -> set[int]:
    """First lines of headline+timestamp runs found by shape alone (no known heading)."""
    stamps = [i for i, line in enumerate(lines) if line and _TIMESTAMP.fullmatch(line)]
    starts: set[int] = set()
    run: list[int] = []
    for stamp in stamps + [10**9]:
        if run and stamp - run[-1] > _LIST_GAP:
            if len(run) >= _LIST_TIMESTAMPS:
                starts.add(_walk_back_over_headlines(lines, run[0]))
            run = []
        run.append(stamp)
    return starts


def _walk_back_over_headlines(lines: list[str], stamp: int) -> int:
    start = stamp
    index = stamp - 1
    headlines = 0
    while index >= 0 and headlines < 4:
        line = lines[index]
        if line:
            if not _is_headline_shaped(line):
                break
            headlines += 1
            start = index
        index -= 1
    return start
