"""People and their role assignments: commands and queries."""
