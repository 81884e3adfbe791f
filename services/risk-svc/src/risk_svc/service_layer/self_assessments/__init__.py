"""Egenkontroll outside the internkontrollplan."""
