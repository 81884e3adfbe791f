"""Units over time: commands and queries."""
