"""Render tools/icons/icon.svg to the skill icons in skill-package/assets/images/.

    python tools/icons/make_icons.py

The PNGs are committed, so nothing else (tests, the package builder, CI) needs a
renderer; run this only after changing icon.svg. It writes

    skill-package/assets/images/small-icon.png   108 x 108  (manifest smallIconUri)
    skill-package/assets/images/large-icon.png   512 x 512  (manifest largeIconUri)

and tools/icons/icon.svg.sha256, the hash of the SVG they were rendered from
(tests/test_skill_package.py fails when the SVG has changed since).

Renderer, the first one found:

* cairosvg (PyPI: ``pip install cairosvg``; it needs the cairo library, Debian
  ``libcairo2``), or
* ``rsvg-convert`` (Debian ``librsvg2-bin``).
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCE = HERE / "icon.svg"
STAMP = HERE / "icon.svg.sha256"
IMAGES = ROOT / "skill-package" / "assets" / "images"
SIZES = {"small-icon.png": 108, "large-icon.png": 512}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class NoRenderer(RuntimeError):
    pass


def _cairosvg(source: Path, target: Path, size: int) -> None:
    import cairosvg  # noqa: PLC0415 - optional, only for regenerating

    cairosvg.svg2png(url=str(source), write_to=str(target), output_width=size, output_height=size)


def _rsvg(source: Path, target: Path, size: int) -> None:
    subprocess.run(["rsvg-convert", "--width", str(size), "--height", str(size), "--format", "png",
                    "--output", str(target), str(source)], check=True)


def renderer():
    try:
        import cairosvg  # noqa: F401, PLC0415

        return _cairosvg
    except (ImportError, OSError):  # OSError: cairosvg installed but the cairo library is missing
        pass
    if shutil.which("rsvg-convert"):
        return _rsvg
    raise NoRenderer("no SVG renderer: pip install cairosvg (needs libcairo2), or apt-get install librsvg2-bin")


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (the first chunk, right after the signature)."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def svg_hash() -> str:
    return hashlib.sha256(SOURCE.read_bytes()).hexdigest()


def main() -> int:
    try:
        render = renderer()
    except NoRenderer as exc:
        print(exc, file=sys.stderr)
        return 2
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name, size in SIZES.items():
        target = IMAGES / name
        render(SOURCE, target, size)
        got = png_size(target.read_bytes())
        if got != (size, size):
            print(f"{target}: rendered {got[0]}x{got[1]}, expected {size}x{size}", file=sys.stderr)
            return 1
        print(f"wrote {target.relative_to(ROOT)} ({size}x{size}, {target.stat().st_size} bytes)")
    STAMP.write_text(f"{svg_hash()}  icon.svg\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
