"""Risks: identified, assessed, prioritised or handled in the unit, escalated, followed up, closed; their
action plans, their history and the matrix."""
