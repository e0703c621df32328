"""Imported by indexing's fork server (search/writers.py): loads the segmenter's model once,
so that every forked indexing worker starts with it."""
from search.analysis.segmenter import model

model()
