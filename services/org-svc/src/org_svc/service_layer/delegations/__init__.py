"""Delegations (delegationsordning), the duty catalogue and who is responsible: commands and queries."""
