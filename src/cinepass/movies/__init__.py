"""Movies: the catalogue."""
