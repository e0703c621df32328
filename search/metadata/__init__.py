"""Ingestion metadata: boilerplate removal, date, source, country and official extraction."""
from __future__ import annotations

from .countries import country_name
from .data import country_aliases
from .extract import extract, name_variants

__all__ = ["country_aliases", "country_name", "extract", "name_variants"]
