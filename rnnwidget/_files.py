"""Writing a file so that it is either complete or not there at all."""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path


def write_atomically(path: str | os.PathLike[str], data: bytes, *, what: str = "file") -> Path:
    """Write ``data`` to ``path`` through a new file beside it and one ``os.replace``, so that
    ``path`` is either the whole new content or untouched, and no temporary file stays behind.

    A missing folder is a ``FileNotFoundError``, a parent that is a file a
    ``NotADirectoryError``, anything else the OS's own ``OSError``; each names the path and
    says what could not be saved (``what``, e.g. "figure").
    """
    target = Path(path).expanduser()
    folder = target.parent
    if not folder.is_dir():
        error, code, problem = (
            (NotADirectoryError, errno.ENOTDIR, "is not a folder")
            if folder.exists()
            else (FileNotFoundError, errno.ENOENT, "does not exist")
        )
        message = f"cannot save the {what}: the folder {str(folder)!r} {problem}"
        raise error(code, message, str(target))
    temporary: Path | None = None
    try:
        temporary, fd = _new_file_beside(target)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise type(error)(
            error.errno, f"cannot save the {what}: {error.strerror}", str(target)
        ) from error
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return target


def _new_file_beside(target: Path) -> tuple[Path, int]:
    """A new, uniquely named hidden file in ``target``'s folder, open for writing. Created with
    mode 0o666 minus the umask, like any new file (``mkstemp`` would make it 0o600)."""
    for _ in range(100):
        candidate = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
        try:
            return candidate, os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(target.parent))
