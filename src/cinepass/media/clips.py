"""A film's clip: its title card, drawn like its poster, over a moving background (H.264 MP4)."""

from __future__ import annotations

import colorsys
import hashlib
import os
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from cinepass.media.cards import SECONDS, TitleCard

WIDTH, HEIGHT = 640, 360
FPS = 15
# Bundled with a package rather than found on the system: the same clip on every machine, and
# accents ("Fantômas", "Él") that Pillow's built-in font lacks.
_FONT_PACKAGE = "font_source_serif_pro"
_INK = (247, 241, 227)

Rgb = tuple[int, int, int]
Pixels = NDArray[np.uint8]


def write_clip(card: TitleCard, path: Path) -> None:
    """Render `card` into `path`, replacing it whole (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".mp4", dir=path.parent)
    os.close(fd)
    try:
        _encode(card, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _encode(card: TitleCard, filename: str) -> None:
    # faststart: the index (moov) goes before the frames, so a browser plays and seeks from the
    # first bytes it reads instead of asking for the end of the file first.
    with av.open(filename, "w", format="mp4", options={"movflags": "+faststart"}) as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height = WIDTH, HEIGHT
        # 4:2:0 and the main profile: what every browser decodes (RGB input would give 4:4:4).
        stream.pix_fmt = "yuv420p"
        stream.codec_context.gop_size = FPS * 2  # a keyframe every 2 s: seeking lands quickly
        stream.options = {"preset": "veryfast", "crf": "26", "profile": "main"}
        for pixels in _frames(card):
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def _frames(card: TitleCard) -> Iterator[Pixels]:
    digest = hashlib.sha256(card.slug.encode()).digest()
    top, bottom, accent = _palette(digest)
    base = _backdrop(top, bottom)
    lit = np.minimum(base.astype(np.uint16) + 34, 255).astype(np.uint8)
    phase = _motif_phase(digest)
    # What stands still is laid on both shades once; each frame only picks between them.
    overlay = _text_layer(card, accent)
    base, lit = _under(overlay, base), _under(overlay, lit)
    text = overlay[..., 3] > 0
    # lit = base + step, modulo 256: a frame is base + step where the motif is, in uint8.
    step = lit - base
    total = FPS * SECONDS
    for index in range(total):
        t = index / FPS
        # The motif drifts through one period every 4 s: visibly moving, never restless.
        # uint8 arithmetic wraps around: the modulo is free.
        stripes = phase + np.uint8(round(t * 64) % 256) < 90
        frame = base + step * stripes[..., None]
        _sun(frame, text, digest, t, accent)
        _progress(frame, (index + 1) / total, accent)
        yield frame


def _under(overlay: Pixels, backdrop: Pixels) -> Pixels:
    alpha = overlay[..., 3:4].astype(np.uint16)
    mixed = overlay[..., :3] * alpha + backdrop.astype(np.uint16) * (255 - alpha)
    return np.asarray(mixed // 255, dtype=np.uint8)


def _palette(digest: bytes) -> tuple[Rgb, Rgb, Rgb]:
    """The poster's colours for the same slug (see movies/posters.py)."""
    hue = int.from_bytes(digest[:2], "big") % 360
    top = _colour(hue, 0.26 + digest[2] / 3200, 0.30 + digest[3] / 1275)
    bottom = _colour(hue + 20 + digest[4] % 60, 0.09, 0.45)
    accent = _colour(hue + 150, 0.62, 0.80)
    return top, bottom, accent


def _colour(hue: float, lightness: float, saturation: float) -> Rgb:
    r, g, b = colorsys.hls_to_rgb((hue % 360) / 360, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)


@lru_cache(maxsize=1)
def _grid() -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    return xs, ys


def _backdrop(top: Rgb, bottom: Rgb) -> Pixels:
    """The poster's diagonal gradient under a vignette."""
    xs, ys = _grid()
    along = np.clip((ys / HEIGHT) * 0.8 + (xs / WIDTH) * 0.2, 0, 1)[..., None]
    gradient = np.array(top, np.float32) * (1 - along) + np.array(bottom, np.float32) * along
    distance = np.hypot((xs - WIDTH / 2) / (WIDTH * 0.75), (ys - HEIGHT * 0.45) / (HEIGHT * 0.9))
    shade = 1 - 0.55 * np.clip((distance - 0.45) / 0.55, 0, 1)[..., None]
    return np.asarray(gradient * shade, dtype=np.uint8)


def _motif_phase(digest: bytes) -> NDArray[np.uint8]:
    """Each pixel's place (0-255) in the poster's motif, rings, rays or slanted lines: the
    pixels below a threshold, moving with time, draw it."""
    xs, ys = _grid()
    kind = digest[5] % 3
    cx, cy = 120 + digest[8] % 400, 60 + digest[6] % 60
    if kind == 0:
        field, period = np.hypot(xs - cx, ys - cy), 16.0 + digest[9] % 14
    elif kind == 2:
        field, period = np.arctan2(ys - cy, xs - WIDTH / 2) * ((14 + digest[8] % 14) / np.pi), 2.0
    else:
        angle = np.radians(digest[8] % 71 - 35)
        field, period = xs * np.cos(angle) + ys * np.sin(angle), 18.0 + digest[9] % 16
    return np.asarray((field / period * 256).astype(np.int64) % 256, dtype=np.uint8)


def _sun(frame: Pixels, text: NDArray[np.bool_], digest: bytes, t: float, accent: Rgb) -> None:
    """The poster's accent disc, crossing the frame slowly behind the text."""
    radius = 22 + digest[7] % 16
    cx = int((digest[8] * 3 + t * 12) % (WIDTH + 2 * radius)) - radius
    cy = 70 + digest[6] % 50
    x0, x1 = max(cx - radius, 0), min(cx + radius, WIDTH)
    y0, y1 = max(cy - radius, 0), min(cy + radius, HEIGHT)
    if x0 >= x1 or y0 >= y1:
        return
    xs, ys = _grid()
    inside = np.hypot(xs[y0:y1, x0:x1] - cx, ys[y0:y1, x0:x1] - cy) <= radius
    inside &= ~text[y0:y1, x0:x1]
    region = frame[y0:y1, x0:x1]
    region[inside] = (region[inside] // 2) + (np.array(accent, np.uint8) // 2)


def _progress(frame: Pixels, done: float, accent: Rgb) -> None:
    """A thin bar along the bottom: a seek shows where it landed."""
    frame[HEIGHT - 4 :, : round(WIDTH * done)] = accent


@lru_cache(maxsize=4)
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    files = resources.files(_FONT_PACKAGE).joinpath("files")
    with resources.as_file(files.joinpath(f"SourceSerifPro-{weight}.ttf")) as path:
        return ImageFont.truetype(str(path), size)


def _text_layer(card: TitleCard, accent: Rgb) -> Pixels:
    """Everything that stands still, drawn once as RGBA: frame, label, title, year, genres."""
    layer = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.rectangle((12, 12, WIDTH - 13, HEIGHT - 13), outline=(255, 255, 255, 72))
    label = _font("Regular", 13)
    draw.text((WIDTH / 2, 34), "c i n e p a s s", font=label, fill=(*_INK, 190), anchor="mm")
    lines, size = title_lines(card.title)
    font = _font("Bold", size)
    leading = size * 1.12
    first = HEIGHT * 0.47 - leading * (len(lines) - 1) / 2
    for i, line in enumerate(lines):
        draw.text((WIDTH / 2, first + leading * i), line, font=font, fill=(*_INK, 255), anchor="mm")
    rule_y = first + leading * (len(lines) - 1) + size * 0.75
    draw.line((WIDTH / 2 - 30, rule_y, WIDTH / 2 + 30, rule_y), fill=(*accent, 255), width=2)
    details = _font("Regular", 20)
    draw.text(
        (WIDTH / 2, rule_y + 24), str(card.year), font=details, fill=(*_INK, 235), anchor="mm"
    )
    if card.tags:
        genres = "  ·  ".join(card.tags[:3])
        draw.text(
            (WIDTH / 2, rule_y + 52),
            genres,
            font=_font("Regular", 16),
            fill=(*_INK, 200),
            anchor="mm",
        )
    return np.asarray(layer, dtype=np.uint8)


def title_lines(title: str) -> tuple[list[str], int]:
    """The title, as written, in at most three lines of the largest size that fits."""
    room = WIDTH - 80
    for size in range(46, 17, -2):
        lines = _wrap(title, _font("Bold", size), room)
        if len(lines) <= 3:
            return lines, size
    font = _font("Bold", 18)
    lines = _wrap(title, font, room)
    last = " ".join(lines[2:])
    while last and font.getlength(last + "…") > room:
        last = last[:-1]
    return [*lines[:2], last.rstrip() + "…"], 18


def _wrap(text: str, font: ImageFont.FreeTypeFont, room: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]
