"""Vietnamese text analysis: normalisation -> segmentation (pyvi adapter) -> Whoosh filters."""
from search.analysis.analyzers import SyllableAnalyzer, WordAnalyzer
from search.analysis.normalize import fold, folded_view, has_diacritics, normalize_query, normalize_tones, to_nfc

__all__ = [
    "SyllableAnalyzer",
    "WordAnalyzer",
    "fold",
    "folded_view",
    "has_diacritics",
    "normalize_query",
    "normalize_tones",
    "to_nfc",
]
