"""Writing a file so that it is either complete or not there at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic
    rename, so a failure (a full disk, a bad path, an interrupt) never leaves a half-written file.

    Raises FileNotFoundError for a missing folder and the OS's own error for the rest, each
    naming the path.
    """
    target = Path(path).expanduser()
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot write {str(target)!r}: no folder {str(folder)!r}")
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
