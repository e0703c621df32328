"""Ingestion: readers for each archive format."""
