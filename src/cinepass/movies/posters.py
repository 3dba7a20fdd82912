"""Deterministic, offline SVG film posters derived from a URL-safe slug."""

from __future__ import annotations

import colorsys
import hashlib
import math
import re
import textwrap
import unicodedata
from xml.sax.saxutils import escape, quoteattr

__all__ = ["MAX_SLUG_LENGTH", "is_valid_slug", "poster_slug", "render_poster"]

MAX_SLUG_LENGTH = 120

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


def render_poster(slug: str) -> str:
    """Return a standalone 2:3 SVG poster for ``slug``; raise ValueError if it is invalid."""
    if not is_valid_slug(slug):
        raise ValueError(f"invalid poster slug: {slug!r}")
    digest = hashlib.sha256(slug.encode("ascii")).digest()
    title, year = _parse_slug(slug)
    hue = int.from_bytes(digest[:2], "big") % 360
    top = _colour(hue, 0.26 + digest[2] / 3200, 0.30 + digest[3] / 1275)
    bottom = _colour(hue + 20 + digest[4] % 60, 0.09, 0.45)
    accent = _colour(hue + 150, 0.62, 0.80)
    # Ids are unique per slug so several posters can be inlined into one HTML page.
    uid = digest.hex()[:10]
    label = f"{title} ({year})" if year else title
    return "".join(
        [
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 600" width="400" ',
            f'height="600" role="img" aria-label={quoteattr(label)}>',
            f"<title>{escape(label)}</title>",
            f'<defs><linearGradient id="bg-{uid}" x1="0" y1="0" x2="0.35" y2="1">',
            f'<stop offset="0" stop-color="{top}"/><stop offset="1" stop-color="{bottom}"/>',
            f'</linearGradient><radialGradient id="vg-{uid}" cx="0.5" cy="0.45" r="0.75">',
            '<stop offset="0.55" stop-color="#000" stop-opacity="0"/>',
            '<stop offset="1" stop-color="#000" stop-opacity="0.55"/></radialGradient></defs>',
            f'<rect width="400" height="600" fill="url(#bg-{uid})"/>',
            _motif(digest, accent),
            f'<rect width="400" height="600" fill="url(#vg-{uid})"/>',
            '<rect x="18" y="18" width="364" height="564" fill="none" stroke="#fff" ',
            'stroke-opacity="0.28"/>',
            f'<text x="200" y="58" text-anchor="middle" font-family="{_SANS}" font-size="13" ',
            f'letter-spacing="7" fill="{_INK}" fill-opacity="0.75">cinepass</text>',
            _title_block(title),
            _year_block(year, accent),
            "</svg>\n",
        ]
    )


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


def _motif(digest: bytes, accent: str) -> str:
    kind, cy, radius = digest[5] % 3, 110 + digest[6] % 56, 26 + digest[7] % 18
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
        cx, step = 80 + digest[8] % 240, 16 + digest[9] % 14
        rings = "".join(f'<circle cx="{cx}" cy="{cy}" r="{step * i}"/>' for i in range(3, 16))
        backdrop = (
            f'<g fill="none" stroke="#fff" stroke-opacity="0.12" stroke-width="1.5">{rings}</g>'
        )
    else:
        cx, count = 200, 14 + digest[8] % 14
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


def _title_block(title: str) -> str:
    for width in range(8, 41):
        lines = textwrap.wrap(title, width, break_long_words=False)
        if len(lines) <= 4:
            break
    if len(lines) > 4:
        lines = [*lines[:3], textwrap.shorten(" ".join(lines[3:]), 40, placeholder=" …")]
    longest = max(len(line) for line in lines)
    # Bold serif glyphs average ~0.6em; 0.64 leaves room for wider fallback fonts.
    size = min(64.0, 320 / (0.64 * longest), 250 / (1.12 * (len(lines) - 1) + 1))
    leading = size * 1.12
    first = 330 - leading * (len(lines) - 1) / 2 + size * 0.35
    spans = "".join(
        f'<tspan x="200" y="{first + leading * i:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text text-anchor="middle" font-family="{_SERIF}" font-size="{size:.1f}" '
        f'font-weight="bold" fill="{_INK}">{spans}</text>'
    )


def _year_block(year: str, accent: str) -> str:
    if not year:
        return ""
    return (
        f'<line x1="170" y1="500" x2="230" y2="500" stroke="{accent}" stroke-width="2"/>'
        f'<text x="200" y="540" text-anchor="middle" font-family="{_SERIF}" font-size="24" '
        f'letter-spacing="6" fill="{_INK}" fill-opacity="0.9">{escape(year)}</text>'
    )
