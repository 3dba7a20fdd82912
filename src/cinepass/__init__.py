"""cinepass: a movie catalogue built around a sound authentication architecture."""
