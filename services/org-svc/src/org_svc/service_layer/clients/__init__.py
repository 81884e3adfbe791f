"""Integration clients: commands and queries."""
