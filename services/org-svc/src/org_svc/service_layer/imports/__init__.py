"""Bulk import of an organisation."""
