"""Goals, indicators, measurements, activities and the styrkort (docs/goals-and-forums.md §1)."""
