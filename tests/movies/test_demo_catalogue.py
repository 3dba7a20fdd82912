"""The demo catalogue grows to exactly the size asked for, whatever it already holds."""

from __future__ import annotations

from cinepass.movies.demo import curated, demo_movies


def test_growing_the_catalogue_adds_exactly_the_missing_movies() -> None:
    first = [m.title for m in demo_movies(len(curated()) + 300, "http://x", set())]
    grown = [m.title for m in demo_movies(len(curated()) + 500, "http://x", set(first))]
    assert len(grown) == 200
    assert not set(grown) & set(first)
    fresh = [m.title for m in demo_movies(len(curated()) + 500, "http://x", set())]
    assert first + grown == fresh, "the same titles as a catalogue seeded in one go"
