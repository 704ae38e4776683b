"""Draw the Teams app icons into teams/: color.png (192x192) and outline.png (32x32).

Teams wants a full-colour icon and a white-on-transparent outline icon
(learn.microsoft.com, "Teams app icons", 2025). Both are drawn here from a few
shapes, so the repository holds no external artwork:

    .venv/bin/python -m scripts.teams_icons        # rewrites teams/color.png and outline.png
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

TEAMS = Path(__file__).resolve().parents[1] / "teams"
RGBA = tuple[int, int, int, int]
Shape = Callable[[float, float], bool]
BLUE: RGBA = (31, 111, 178, 255)  # the manifest's accentColor, #1F6FB2
ORANGE: RGBA = (242, 153, 74, 255)
WHITE: RGBA = (255, 255, 255, 255)
CLEAR: RGBA = (0, 0, 0, 0)
SAMPLES = 4  # per axis: 16 samples a pixel smooth the edges


def png(width: int, height: int, pixels: list[list[RGBA]]) -> bytes:
    """An RGBA PNG (colour type 6), unfiltered rows."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(c for pixel in row for c in pixel) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def render(size: int, layers: list[tuple[Shape, RGBA]]) -> list[list[RGBA]]:
    """Each pixel: the top shape's colour, averaged over SAMPLES² points (0..1 space)."""
    return [[_pixel(x, y, size, layers) for x in range(size)] for y in range(size)]


def _pixel(x: int, y: int, size: int, layers: list[tuple[Shape, RGBA]]) -> RGBA:
    # Average colour weighted by alpha, so a white edge fades out instead of greying.
    red = green = blue = alpha = 0.0
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            u, v = (x + (sx + 0.5) / SAMPLES) / size, (y + (sy + 0.5) / SAMPLES) / size
            r, g, b, a = next((c for shape, c in reversed(layers) if shape(u, v)), CLEAR)
            red, green, blue, alpha = red + r * a, green + g * a, blue + b * a, alpha + a
    if not alpha:
        return CLEAR
    return (
        round(red / alpha),
        round(green / alpha),
        round(blue / alpha),
        round(alpha / SAMPLES**2),
    )


def rounded_square(margin: float, radius: float) -> Shape:
    def inside(u: float, v: float) -> bool:
        cu = min(max(u, margin + radius), 1 - margin - radius)
        cv = min(max(v, margin + radius), 1 - margin - radius)
        return math.hypot(u - cu, v - cv) <= radius

    return inside


def segment(a: tuple[float, float], b: tuple[float, float], width: float) -> Shape:
    def inside(u: float, v: float) -> bool:
        (ax, ay), (bx, by) = a, b
        t = ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)
        t = min(1.0, max(0.0, t))
        return math.hypot(u - (ax + t * (bx - ax)), v - (ay + t * (by - ay))) <= width / 2

    return inside


def box(left: float, top: float, right: float, bottom: float) -> Shape:
    return lambda u, v: left <= u <= right and top <= v <= bottom


def ring(cx: float, cy: float, outer: float, inner: float) -> Shape:
    return lambda u, v: inner <= math.hypot(u - cx, v - cy) <= outer


def disc(cx: float, cy: float, radius: float) -> Shape:
    return lambda u, v: math.hypot(u - cx, v - cy) <= radius


def envelope_outline(left: float, top: float, right: float, bottom: float, w: float) -> Shape:
    """An envelope's border and flap, drawn as strokes of width `w`."""
    corners = [(left, top), (right, top), (right, bottom), (left, bottom)]
    edges = [segment(corners[i], corners[(i + 1) % 4], w) for i in range(4)]
    middle = ((left + right) / 2, top + (bottom - top) * 0.55)
    flap = [segment((left, top), middle, w), segment((right, top), middle, w)]
    return lambda u, v: any(part(u, v) for part in (*edges, *flap))


def color_icon() -> list[list[RGBA]]:
    """An envelope with a small clock: mail that waits for an answer, on the accent blue."""
    hands = [
        segment((0.74, 0.74), (0.74, 0.66), 0.035),
        segment((0.74, 0.74), (0.8, 0.74), 0.035),
    ]
    return render(
        192,
        [
            (rounded_square(0.0, 0.18), BLUE),
            (box(0.2, 0.28, 0.8, 0.72), WHITE),
            (envelope_outline(0.2, 0.28, 0.8, 0.72, 0.035), BLUE),
            (disc(0.74, 0.74, 0.17), WHITE),
            (disc(0.74, 0.74, 0.135), ORANGE),
            (lambda u, v: any(hand(u, v) for hand in hands), WHITE),
        ],
    )


def outline_icon() -> list[list[RGBA]]:
    """The envelope alone, white on transparent."""
    return render(32, [(envelope_outline(0.12, 0.22, 0.88, 0.78, 0.09), WHITE)])


def main() -> None:
    TEAMS.mkdir(exist_ok=True)
    (TEAMS / "color.png").write_bytes(png(192, 192, color_icon()))
    (TEAMS / "outline.png").write_bytes(png(32, 32, outline_icon()))
    print(f"wrote {TEAMS / 'color.png'} (192x192) and {TEAMS / 'outline.png'} (32x32)")


if __name__ == "__main__":
    main()
