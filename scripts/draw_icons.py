"""Draws the app's icons (a plain card on the theme colour) as small PNGs, without any library.

A development script, not part of the app: run it after changing the drawing, then
`consequences pwa precache`, and commit the icons.

    python scripts/draw_icons.py [--pwa-dir DIR]
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent

THEME = (0x0B, 0x3D, 0x5C)
CARD = (0xFF, 0xFF, 0xFF)
ACCENT = (0xFF, 0xDD, 0x00)

# (file name, size in px, how much of the icon the card may use). Maskable icons keep
# everything inside the central safe circle, so their card is smaller.
ICONS = (
    ("icon-192.png", 192, 1.0),
    ("icon-512.png", 512, 1.0),
    ("icon-maskable-512.png", 512, 0.8),
)


def _pixel(x: float, y: float, scale: float) -> tuple[int, int, int]:
    """Colour at (x, y), both from 0 to 1: a card with a heading bar and two lines."""
    cx, cy = (x - 0.5) / scale + 0.5, (y - 0.5) / scale + 0.5
    if not (0.28 <= cx <= 0.72 and 0.2 <= cy <= 0.8):
        return THEME
    if 0.34 <= cx <= 0.66 and 0.28 <= cy <= 0.38:
        return ACCENT
    if 0.34 <= cx <= 0.66 and (0.46 <= cy <= 0.5 or 0.58 <= cy <= 0.62):
        return THEME
    if 0.34 <= cx <= 0.56 and 0.7 <= cy <= 0.74:
        return THEME
    return CARD


def png(size: int, scale: float) -> bytes:
    rows = bytearray()
    for j in range(size):
        rows.append(0)  # filter: none
        for i in range(size):
            rows.extend(_pixel((i + 0.5) / size, (j + 0.5) / size, scale))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def write_icons(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, size, scale in ICONS:
        path = folder / name
        path.write_bytes(png(size, scale))
        written.append(path)
    return written


@click.command(help="Draw the app icons (192 and 512 px, and a maskable 512 px).")
@click.option(
    "--pwa-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=ROOT / "pwa",
    show_default=True,
    help="the app shell's folder; icons go in its assets/icons/",
)
def main(pwa_dir: Path) -> None:
    for path in write_icons(pwa_dir / "assets" / "icons"):
        click.echo(f"Wrote {path}")


if __name__ == "__main__":
    main()
