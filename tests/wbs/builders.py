"""Builders shared by the WBS tests (no tests here)."""
from __future__ import annotations

import io


def png_bytes(size=(24, 16), exif_gps: bool = False) -> bytes:
    from PIL import Image

    img = Image.new("RGB", size, (10, 120, 200))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "KameraRahasia"   # Make
        exif[0x0110] = "ModelRahasia"    # Model
        exif[0x8825] = {1: "S", 2: (0.0, 57.0, 0.0), 3: "E", 4: (100.0, 21.0, 0.0)}  # GPS
        img.save(out, format="JPEG", exif=exif)
    else:
        img.save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    return png_bytes(exif_gps=True)
