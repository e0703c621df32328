"""Loading the user-extendable data files in search/data/ (read once, cached)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import babel

from .text import clean_input

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Codes Babel lists among territories that are not ISO 3166-1 countries (continents,
# the EU, the UN, pseudo-locales, "unknown"), plus reserved codes that duplicate a country.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "DG", "EA", "IC", "TA"}


@dataclass(frozen=True)
class OfficialEntry:
    names: tuple[str, ...]  # full form first
    country: str | None
    role: str | None


@lru_cache(maxsize=1)
def data_digest() -> str:
    """A digest of every data file. Extraction and the name marks depend on them as on the code,
    so an article indexed with other data is indexed again (indexer.checksum): an edited alias
    list takes effect at the next `vnsearch index`, with no PIPELINE_VERSION to remember."""
    digest = hashlib.sha1()
    for path in sorted(p for p in DATA_DIR.iterdir() if p.is_file()):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a data file, NFC."""
    path = DATA_DIR / name
    text = clean_input(path.read_text(encoding="utf-8"))
    return [line.rstrip() for line in text.split("\n") if line.strip() and not line.startswith("#")]


def _columns(line: str, count: int) -> list[str]:
    parts = [part.strip() for part in line.split("\t")]
    return parts + [""] * (count - len(parts))


def _names(field: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in field.split("|") if name.strip())


@lru_cache(maxsize=1)
def babel_countries() -> dict[str, str]:
    """ISO code -> Vietnamese display name, for every country Babel knows."""
    territories = babel.Locale("vi").territories
    return {
        code: str(name)
        for code, name in territories.items()
        if re.fullmatch(r"[A-Z]{2}", code) and code not in _NOT_COUNTRIES
    }


@lru_cache(maxsize=1)
def country_labels() -> dict[str, str]:
    """ISO code -> facet label, where newsrooms differ from Babel (country_labels.tsv)."""
    labels: dict[str, str] = {}
    for line in _lines("country_labels.tsv"):
        code, label = _columns(line, 2)[:2]
        if code and label:
            labels[code.upper()] = label
    return labels


def _babel_names(name: str) -> list[str]:
    """Babel's display name plus the forms inside it: "Myanmar (Miến Điện)" -> both parts."""
    names = [name]
    inner = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
    if inner:
        names = [inner.group(1), inner.group(2)]
    names += [n.replace(" - ", "-") for n in names if " - " in n]
    names += [n.replace("’", "'") for n in names if "’" in n]
    names += [n.replace("St. ", "Saint ") for n in names if n.startswith("St. ")]
    return [n for n in names if " - " not in n]


@lru_cache(maxsize=1)
def country_aliases() -> dict[str, tuple[str, ...]]:
    """ISO code -> every name a text may use for it: Babel's name first, then countries.tsv."""
    aliases: dict[str, list[str]] = {code: _babel_names(name) for code, name in babel_countries().items()}
    for line in _lines("countries.tsv"):
        code, names = _columns(line, 2)[:2]
        aliases.setdefault(code, []).extend(_names(names))
    return {code: tuple(dict.fromkeys(names)) for code, names in aliases.items()}


@lru_cache(maxsize=1)
def capitals() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(ISO code, variant names) for each capital or seat of government."""
    return tuple((code, _names(names)) for code, names in (_columns(line, 2)[:2] for line in _lines("capitals.tsv")))


@lru_cache(maxsize=1)
def organisations() -> dict[str, tuple[str, ...]]:
    return {code: _names(names) for code, names in (_columns(line, 2)[:2] for line in _lines("orgs.tsv"))}


@lru_cache(maxsize=1)
def lookalikes() -> frozenset[str]:
    phrases = set(_lines("lookalikes.txt"))
    return frozenset(phrases | {p[:1].upper() + p[1:] for p in phrases})


@lru_cache(maxsize=1)
def places() -> tuple[str, ...]:
    return tuple(_lines("places.txt"))


@lru_cache(maxsize=1)
def not_people() -> tuple[str, ...]:
    """Names that are never a person's (not_people.txt): media, companies, events, cities."""
    return tuple(_lines("not_people.txt"))


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return frozenset(word for line in _lines("surnames.txt") for word in line.split())


@lru_cache(maxsize=1)
def titles() -> dict[str, str]:
    """Lower-case role phrase -> "office", "public" (office only for a public body) or "not"."""
    table: dict[str, str] = {}
    for line in _lines("titles.txt"):
        phrase, kind = _columns(line, 2)[:2]
        table[phrase.lower()] = kind or "office"
    return table


@lru_cache(maxsize=1)
def curated_officials() -> tuple[OfficialEntry, ...]:
    entries = []
    for line in _lines("officials.tsv"):
        names, country, role = _columns(line, 3)[:3]
        if _names(names):
            entries.append(OfficialEntry(_names(names), country or None, role or None))
    return tuple(entries)


@lru_cache(maxsize=1)
def outlets() -> dict[str, tuple[str, ...]]:
    """Display name of each news outlet -> its spellings and web domains."""
    return {name: (name, *_names(variants)) for name, variants in (_columns(line, 2)[:2] for line in _lines("sources.tsv"))}


@lru_cache(maxsize=1)
def furniture() -> tuple[frozenset[str], frozenset[str]]:
    """(section headings, single widget lines), lower case."""
    headings: set[str] = set()
    widgets: set[str] = set()
    target = headings
    for line in _lines("furniture.txt"):
        if line.strip() == "[heading]":
            target = headings
        elif line.strip() == "[line]":
            target = widgets
        else:
            target.add(line.strip().lower())
    return frozenset(headings), frozenset(widgets)
