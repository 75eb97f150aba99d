"""The QR code of a customer's link: a PNG for the order page (no image library: reportlab's QR
encoder gives the modules, zlib writes the PNG) and a reportlab drawing for PDFs (the unsigned
delivery voucher prints it, P2.5.b)."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing

BORDER = 4  # the quiet zone the standard asks for, in modules


def qr_modules(text: str) -> list[list[bool]]:
    widget = QrCodeWidget(text, barLevel="M")
    widget.qr.make()
    return [[bool(m) for m in row] for row in widget.qr.modules]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def portal_qr_png(url: str, *, scale: int = 6) -> bytes:
    """The QR code of `url` as a black-on-white greyscale PNG, `scale` pixels per module."""
    modules = qr_modules(url)
    n = len(modules) + 2 * BORDER
    size = n * scale
    rows = []
    for r in range(n):
        mr = r - BORDER
        line = bytearray()
        for c in range(n):
            mc = c - BORDER
            dark = 0 <= mr < len(modules) and 0 <= mc < len(modules) and modules[mr][mc]
            line += (b"\x00" if dark else b"\xff") * scale
        rows.extend([b"\x00" + bytes(line)] * scale)
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + _chunk(b"IEND", b""))


def portal_qr_drawing(url: str, *, size: float) -> Any:
    """A reportlab Drawing of `size` points square, to place in a PDF's story or a table cell."""
    widget = QrCodeWidget(url, barLevel="M", barWidth=size, barHeight=size)
    drawing = Drawing(size, size)
    drawing.add(widget)
    return drawing
