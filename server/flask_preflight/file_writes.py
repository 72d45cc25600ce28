"""Writing fixed files back to disk without ever losing data (CLI `--fix` only)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class FileChangedError(RuntimeError):
    """The file on disk is no longer the text the fix was computed from."""


def write_atomically(path: Path, new_text: str, expected_text: str) -> None:
    """Replace `path` with `new_text` if it still holds `expected_text`.

    Writes a temporary file in the same folder and renames it over the original, so a crash
    leaves either the old or the new file; keeps the file's mode and a UTF-8 BOM if it had one.
    Line endings are whatever `new_text` holds (fixes reuse the file's own).
    """
    data = path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    current = data[3:] if bom else data
    if current.decode("utf-8", errors="surrogateescape") != expected_text:
        raise FileChangedError(f"{path} changed since it was read; not written")
    mode = path.stat().st_mode & 0o7777
    payload = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
