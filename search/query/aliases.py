"""Alternative names of one entity (Mỹ / Hoa Kỳ, Moskva / Moscow, Sergei / Sergey Lavrov).

The groups come from the same alias data the country and official facets use
(search.metadata.name_variants), so a name the facets recognise is also searchable by its aliases.
"""
from __future__ import annotations

from functools import lru_cache

from search.analysis import fold, normalize_tones
from search.metadata import country_aliases, name_variants

MAX_NAME_SYLLABLES = 6


def name_key(name: str) -> tuple[str, ...]:
    """Lowercase syllables; folded for multi-syllable names ("hoa ky" is clearly Hoa Kỳ), exact
    for one-syllable names, which folding would confuse with common words (bi -> Bỉ, my -> Mỹ)."""
    sylls = tuple(normalize_tones(name).lower().replace("-", " ").split())
    return tuple(fold(s) for s in sylls) if len(sylls) > 1 else sylls


@lru_cache(maxsize=1)
def _alias_table() -> dict[tuple[str, ...], tuple[str, ...]]:
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for group in name_variants():
        if len(group) < 2:
            continue
        for name in group:
            if name.startswith("-"):  # "-Trung": only a name when joined to another ("Mỹ - Trung")
                continue
            key = name_key(name)
            if key and len(key) <= MAX_NAME_SYLLABLES:
                table.setdefault(key, tuple(group))
    return table


def alias_group(syllables: tuple[str, ...]) -> tuple[str, ...] | None:
    """The names of the entity these lowercase syllables name, if it has known aliases."""
    return _alias_table().get(name_key(" ".join(syllables)))


@lru_cache(maxsize=1)
def _country_table() -> dict[tuple[str, ...], str]:
    return {name_key(name.lstrip("-")): code for code, names in country_aliases().items() for name in names}


def country_of(syllables: tuple[str, ...]) -> str | None:
    """The ISO code when these lowercase syllables name a country (the `country` facet's value)."""
    return _country_table().get(name_key(" ".join(syllables)))
