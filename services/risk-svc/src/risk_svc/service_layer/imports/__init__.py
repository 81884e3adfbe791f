"""Imports of published comparison figures (Kolada) and comparisons over municipalities."""
