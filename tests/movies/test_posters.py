"""Generated posters: the title as written, and layouts that differ, not only in colour."""

from __future__ import annotations

import re
from urllib.parse import quote
from xml.etree import ElementTree

import pytest

from cinepass.movies.posters import poster_slug, render_poster
from tests.support import Api

SVG = "{http://www.w3.org/2000/svg}"
TITLES = [
    ("A Dog's Life", 1918),
    ("D.O.A.", 1949),
    ("Dr. Mabuse, the Gambler", 1922),
    ("Fantômas", 1913),
    ("La Niña de tus ojos: ¿Señor?", 1998),
]


def drawn_text(svg: str) -> str:
    """The words a viewer reads: every line of the big title joined, wordmark and year aside."""
    root = ElementTree.fromstring(svg)
    spans = [" ".join(t.itertext()) for t in root.iter(f"{SVG}tspan")]
    return " ".join(spans)


@pytest.mark.parametrize(("title", "year"), TITLES)
def test_a_poster_shows_the_title_as_written(title: str, year: int) -> None:
    svg = render_poster(poster_slug(title, year), title)
    assert drawn_text(svg) == title
    root = ElementTree.fromstring(svg)
    assert root.get("aria-label") == f"{title} ({year})"
    assert root.findtext(f"{SVG}title") == f"{title} ({year})"


def test_a_title_the_slug_was_not_made_from_is_ignored() -> None:
    slug = poster_slug("Metropolis", 1927)
    svg = render_poster(slug, "<script>alert(1)</script> Anything else")
    assert drawn_text(svg) == "Metropolis"
    assert "script" not in svg


def test_a_title_with_control_characters_is_ignored() -> None:
    svg = render_poster(poster_slug("Metropolis", 1927), "Metropolis\x01")
    assert drawn_text(svg) == "Metropolis"


def test_without_a_title_the_slug_words_are_shown() -> None:
    assert drawn_text(render_poster("the-general-1926")) == "The General"


def test_posters_vary_in_layout_not_only_colour() -> None:
    def shape(svg: str) -> str:
        # Colours, numbers and text removed: what is left is the composition.
        bare = re.sub(r"#[0-9a-f]{6}|-?\d+(\.\d+)?|>[^<]*<", "", svg)
        return re.sub(r'id="[^"]*"|url\(#[^)]*\)', "", bare)

    slugs = [poster_slug(f"Film number {n}", 1950) for n in range(40)]
    assert len({shape(render_poster(slug)) for slug in slugs}) >= 4


def test_the_api_draws_a_poster_with_its_title_as_written(api: Api) -> None:
    title = "Fantômas: À l'ombre de la guillotine"
    slug = poster_slug(title, 1913)
    r = api.http.get(f"/posters/{slug}.svg?title={quote(title)}")
    assert r.status_code == 200, r.text
    assert drawn_text(r.text) == title
