"""Read a generated PDF the way a person or a machine at the customer's would: its text with
poppler's pdftotext, its fonts with pdffonts (both from poppler-utils, installed by .ci/run)."""

from __future__ import annotations

import re
import subprocess
import tempfile


def _run(tool: list[str], content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        return subprocess.run([*tool, f.name, *(["-"] if tool[0] == "pdftotext" else [])], check=True,
                              capture_output=True, text=True).stdout


def pdf_text(content: bytes) -> str:
    """The text of every page, in reading order (-layout keeps a table's row on one line)."""
    assert content.startswith(b"%PDF-"), content[:40]
    return _run(["pdftotext", "-layout", "-enc", "UTF-8"], content)


def pdf_words(content: bytes) -> str:
    """The text with all white space removed: Chinese sentences wrapped over lines read as one."""
    return re.sub(r"\s+", "", pdf_text(content))


def pdf_fonts(content: bytes) -> list[dict[str, str]]:
    """pdffonts' table: one dict per font with its name, type and whether it is embedded ("emb")."""
    lines = _run(["pdffonts"], content).splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type [subtype…] encoding emb sub uni object-id generation
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts
