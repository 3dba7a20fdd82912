"""Deterministic, offline SVG film posters derived from a URL-safe slug."""

from __future__ import annotations

import colorsys
import hashlib
import math
import re
import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

__all__ = ["MAX_SLUG_LENGTH", "is_valid_slug", "poster_slug", "render_poster"]

MAX_SLUG_LENGTH = 120
_MAX_TITLE_LENGTH = 300

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TRAILING_YEAR_RE = re.compile(r"^(?:(?P<words>.+)-)?(?P<year>\d{4})$")
# Letters NFKD does not decompose into ASCII, and apostrophes, which would otherwise split words.
_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
    | {"'": None, "\u2019": None}
)
_SMALL_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to", "with"})
_SERIF = "Georgia, 'Times New Roman', serif"
_SANS = "'Helvetica Neue', Helvetica, Arial, sans-serif"
_INK = "#f7f1e3"


def poster_slug(title: str, year: int) -> str:
    """Return a slug such as ``the-general-1926``; never empty (``film-<year>`` at worst)."""
    if not 0 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    folded = unicodedata.normalize("NFKD", title.lower().translate(_TRANSLITERATE))
    ascii_title = folded.encode("ascii", "ignore").decode("ascii")
    suffix = f"-{year}"
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")
    words = words[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-")
    return f"{words or 'film'}{suffix}"


def is_valid_slug(slug: str) -> bool:
    """True for slugs :func:`poster_slug` could produce."""
    return len(slug) <= MAX_SLUG_LENGTH and _SLUG_RE.fullmatch(slug) is not None


def render_poster(slug: str, title: str | None = None) -> str:
    """Return a standalone 2:3 SVG poster for ``slug``; raise ValueError if it is invalid.

    ``title`` is the film's title as written ("A Dog's Life", "Fantômas"); it is used only when
    it is the title ``slug`` was made from, else the poster spells the slug's words.
    """
    if not is_valid_slug(slug):
        raise ValueError(f"invalid poster slug: {slug!r}")
    digest = hashlib.sha256(slug.encode("ascii")).digest()
    guessed, year = _parse_slug(slug)
    shown = title.strip() if title is not None and _made_from(slug, title, year) else guessed
    hue = int.from_bytes(digest[:2], "big") % 360
    palette = _Palette(
        top=_colour(hue, 0.26 + digest[2] / 3200, 0.30 + digest[3] / 1275),
        bottom=_colour(hue + 20 + digest[4] % 60, 0.09, 0.45),
        accent=_colour(hue + 150, 0.62, 0.80),
    )
    # Ids are unique per slug so several posters can be inlined into one HTML page.
    uid = digest.hex()[:10]
    label = f"{shown} ({year})" if year else shown
    layout = _LAYOUTS[digest[11] % len(_LAYOUTS)]
    return "".join(
        [
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 600" width="400" ',
            f'height="600" role="img" aria-label={quoteattr(label)}>',
            f"<title>{escape(label)}</title>",
            f'<defs><linearGradient id="bg-{uid}" x1="0" y1="0" x2="0.35" y2="1">',
            f'<stop offset="0" stop-color="{palette.top}"/>',
            f'<stop offset="1" stop-color="{palette.bottom}"/>',
            f'</linearGradient><radialGradient id="vg-{uid}" cx="0.5" cy="0.45" r="0.75">',
            '<stop offset="0.55" stop-color="#000" stop-opacity="0"/>',
            '<stop offset="1" stop-color="#000" stop-opacity="0.55"/></radialGradient></defs>',
            f'<rect width="400" height="600" fill="url(#bg-{uid})"/>',
            layout(shown, year, digest, palette),
            f'<rect width="400" height="600" fill="url(#vg-{uid})" pointer-events="none"/>',
            "</svg>\n",
        ]
    )


def _made_from(slug: str, title: str, year: str) -> bool:
    if not year or not title.strip() or len(title) > _MAX_TITLE_LENGTH:
        return False
    # Control and unassigned characters have no place in a title, nor in an XML document.
    if any(unicodedata.category(ch)[0] == "C" for ch in title):
        return False
    return poster_slug(title, int(year)) == slug


@dataclass(frozen=True)
class _Palette:
    top: str
    bottom: str
    accent: str


def _parse_slug(slug: str) -> tuple[str, str]:
    match = _TRAILING_YEAR_RE.fullmatch(slug)
    words, year = (match["words"] or "", match["year"]) if match else (slug, "")
    parts = [w for w in words.split("-") if w]
    titled = [
        w if 0 < i < len(parts) - 1 and w in _SMALL_WORDS else w.capitalize()
        for i, w in enumerate(parts)
    ]
    return " ".join(titled) or "Untitled", year


def _colour(hue: float, lightness: float, saturation: float) -> str:
    r, g, b = colorsys.hls_to_rgb((hue % 360) / 360, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _motif(digest: bytes, accent: str, cy: int, cx: int | None = None) -> str:
    """A backdrop (rings, rays or slanted lines) around a soft disc at (cx, cy)."""
    kind, radius = digest[5] % 3, 26 + digest[7] % 18
    cx = 80 + digest[8] % 240 if cx is None else cx
    if kind == 1:
        angle, gap, width = digest[8] % 71 - 35, 18 + digest[9] % 16, 2 + digest[10] % 6
        lines = "".join(
            f'<line x1="{x}" y1="-300" x2="{x}" y2="900"/>' for x in range(-400, 800, gap)
        )
        return (
            f'<g stroke="#fff" stroke-opacity="0.07" stroke-width="{width}" '
            f'transform="rotate({angle} 200 300)">{lines}</g>'
        )
    if kind == 0:
        step = 16 + digest[9] % 14
        rings = "".join(f'<circle cx="{cx}" cy="{cy}" r="{step * i}"/>' for i in range(3, 16))
        backdrop = (
            f'<g fill="none" stroke="#fff" stroke-opacity="0.12" stroke-width="1.5">{rings}</g>'
        )
    else:
        count = 14 + digest[8] % 14
        wedges = []
        for i in range(count):
            a0, a1 = 2 * math.pi * i / count, 2 * math.pi * (i + 0.5) / count
            points = f"{cx},{cy} " + " ".join(
                f"{cx + 800 * math.cos(a):.1f},{cy + 800 * math.sin(a):.1f}" for a in (a0, a1)
            )
            wedges.append(f'<polygon points="{points}"/>')
        backdrop = f'<g fill="#fff" fill-opacity="0.06">{"".join(wedges)}</g>'
    return (
        f'{backdrop}<circle cx="{cx}" cy="{cy}" r="{radius}" fill="{accent}" fill-opacity="0.5"/>'
    )


def _fit(title: str, width: float, height: float, most: float) -> tuple[list[str], float]:
    """The title in at most four lines, wrapped where it gets the largest font that fits."""
    best: tuple[list[str], float] | None = None
    for chars in range(8, 41):
        lines = textwrap.wrap(title, chars, break_long_words=False)
        if len(lines) > 4:
            continue
        size = _size(lines, width, height, most)
        if best is None or size > best[1]:
            best = (lines, size)
    if best is None:
        lines = textwrap.wrap(title, 40, break_long_words=False)
        lines = [*lines[:3], textwrap.shorten(" ".join(lines[3:]), 40, placeholder=" …")]
        best = (lines, _size(lines, width, height, most))
    return best


def _size(lines: list[str], width: float, height: float, most: float) -> float:
    longest = max(len(line) for line in lines)
    # Bold glyphs average ~0.6em; 0.64 leaves room for wider fallback fonts.
    return min(most, width / (0.64 * longest), height / (1.12 * (len(lines) - 1) + 1))


def _text(lines: list[str], x: float, first: float, size: float, anchor: str, font: str) -> str:
    leading = size * 1.12
    spans = "".join(
        f'<tspan x="{x:.0f}" y="{first + leading * i:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text text-anchor="{anchor}" font-family="{font}" font-size="{size:.1f}" '
        f'font-weight="bold" fill="{_INK}">{spans}</text>'
    )


def _wordmark(x: float, y: float, anchor: str = "middle") -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}" font-family="{_SANS}" '
        f'font-size="13" letter-spacing="7" fill="{_INK}" fill-opacity="0.75">cinepass</text>'
    )


def _centred(title: str, year: str, digest: bytes, palette: _Palette) -> str:
    """A framed poster: the motif high up, the title in the middle, the year underlined below."""
    lines, size = _fit(title, 320, 250, 64)
    first = 330 - size * 1.12 * (len(lines) - 1) / 2 + size * 0.35
    year_block = (
        f'<line x1="170" y1="500" x2="230" y2="500" stroke="{palette.accent}" stroke-width="2"/>'
        f'<text x="200" y="540" text-anchor="middle" font-family="{_SERIF}" font-size="24" '
        f'letter-spacing="6" fill="{_INK}" fill-opacity="0.9">{escape(year)}</text>'
        if year
        else ""
    )
    return "".join(
        [
            _motif(digest, palette.accent, 110 + digest[6] % 56),
            '<rect x="18" y="18" width="364" height="564" fill="none" stroke="#fff" ',
            'stroke-opacity="0.28"/>',
            _wordmark(200, 58),
            _text(lines, 200, first, size, "middle", _SERIF),
            year_block,
        ]
    )


def _band(title: str, year: str, digest: bytes, palette: _Palette) -> str:
    """The motif over the upper half, the title left-aligned on a dark band across the bottom."""
    lines, size = _fit(title, 320, 130, 56)
    first = 470 - size * 1.12 * (len(lines) - 1) / 2 + size * 0.35
    return "".join(
        [
            _motif(digest, palette.accent, 170, 200),
            '<rect x="0" y="380" width="400" height="180" fill="#000" fill-opacity="0.55"/>',
            f'<rect x="0" y="380" width="400" height="4" fill="{palette.accent}"/>',
            _text(lines, 36, first, size, "start", _SANS),
            _wordmark(36, 590, "start"),
            f'<text x="364" y="74" text-anchor="end" font-family="{_SANS}" font-size="44" '
            f'font-weight="bold" fill="none" stroke="{_INK}" stroke-opacity="0.8" '
            f'stroke-width="1.5">{escape(year)}</text>',
        ]
    )


def _headline(title: str, year: str, digest: bytes, palette: _Palette) -> str:
    """The title at the top like a headline, a large sun setting behind stripes below."""
    lines, size = _fit(title, 330, 220, 70)
    stripes = "".join(
        f'<rect x="0" y="{y}" width="400" height="{4 + i}" fill="{palette.bottom}"/>'
        for i, y in enumerate(range(430, 600, 26))
    )
    return "".join(
        [
            f'<circle cx="{140 + digest[12] % 120}" cy="470" r="{110 + digest[13] % 40}" ',
            f'fill="{palette.accent}" fill-opacity="0.42"/>',
            stripes,
            f'<rect x="36" y="40" width="56" height="5" fill="{palette.accent}"/>',
            _text(lines, 36, 60 + size, size, "start", _SERIF),
            f'<text x="36" y="572" font-family="{_SANS}" font-size="22" letter-spacing="4" ',
            f'fill="{_INK}">{escape(year)}</text>',
            _wordmark(364, 572, "end"),
        ]
    )


def _sidebar(title: str, year: str, digest: bytes, palette: _Palette) -> str:
    """A coloured column down the left with the year written up it; the title bottom right."""
    lines, size = _fit(title, 260, 240, 58)
    last = 540
    first = last - size * 1.12 * (len(lines) - 1)
    return "".join(
        [
            _motif(digest, palette.accent, 150 + digest[6] % 80, 250),
            f'<rect x="0" y="0" width="92" height="600" fill="{palette.accent}" ',
            'fill-opacity="0.82"/>',
            f'<text transform="translate(66 560) rotate(-90)" font-family="{_SANS}" ',
            'font-size="54" font-weight="bold" letter-spacing="8" fill="#0b0c10" ',
            f'fill-opacity="0.85">{escape(year)}</text>',
            _text(lines, 372, first, size, "end", _SERIF),
            _wordmark(372, 48, "end"),
        ]
    )


def _boxed(title: str, year: str, digest: bytes, palette: _Palette) -> str:
    """A double frame; the title in a box at the centre, the year in a disc above it."""
    lines, size = _fit(title, 260, 190, 48)
    height = size * 1.12 * (len(lines) - 1) + size + 56
    top = 330 - height / 2
    first = top + 28 + size * 0.85
    return "".join(
        [
            _motif(digest, palette.accent, 300, 200),
            '<rect x="14" y="14" width="372" height="572" fill="none" stroke="#fff" ',
            'stroke-opacity="0.35" stroke-width="2"/>',
            '<rect x="24" y="24" width="352" height="552" fill="none" stroke="#fff" ',
            'stroke-opacity="0.18"/>',
            f'<rect x="50" y="{top:.1f}" width="300" height="{height:.1f}" fill="#000" ',
            f'fill-opacity="0.45" stroke="{palette.accent}" stroke-width="2"/>',
            _text(lines, 200, first, size, "middle", _SANS),
            f'<circle cx="200" cy="{top - 56:.1f}" r="36" fill="{palette.accent}" ',
            'fill-opacity="0.85"/>',
            f'<text x="200" y="{top - 49:.1f}" text-anchor="middle" font-family="{_SANS}" ',
            f'font-size="20" font-weight="bold" fill="#0b0c10">{escape(year)}</text>',
            _wordmark(200, 552),
        ]
    )


_Layout = Callable[[str, str, bytes, _Palette], str]
_LAYOUTS: tuple[_Layout, ...] = (_centred, _band, _headline, _sidebar, _boxed)
