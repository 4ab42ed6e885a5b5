"""Keeping the station's data safe: the integrity check."""
