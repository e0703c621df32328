"""Ingestion metadata: boilerplate removal, date, source, country and official extraction."""
from __future__ import annotations

from .countries import country_name
from .data import country_aliases, data_digest
from .extract import extract, name_variants
from .officials import facet_name, names_filed_together

__all__ = ["country_aliases", "country_name", "data_digest", "extract", "facet_name", "name_variants", "names_filed_together"]
