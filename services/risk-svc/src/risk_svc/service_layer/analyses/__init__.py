"""Risk analyses (yearly or before a change) and the risks suggested from the unit's own history."""
