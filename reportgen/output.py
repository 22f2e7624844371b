"""Writing output files so that a failure never leaves a half-written or blank document.

Every document is rendered to memory first; only when all formats have
rendered are they written, each to a temporary file in the same folder and
then renamed over the old one (atomic on POSIX). A build that fails midway
keeps the previous good output.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reportgen.errors import OutputLocationError


def prepare_folder(path: Path) -> Path:
    """Create the output folder if needed and prove it is writable, before any work."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputLocationError(path, "a file of that name exists where the folder should be") from None
    except NotADirectoryError:
        raise OutputLocationError(path, "part of the path is a file, not a folder") from None
    except PermissionError:
        raise OutputLocationError(path, "permission denied creating it") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputLocationError(path, "the folder is not writable")
    return path


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` via a temporary file and a rename."""
    if not data:
        raise OutputLocationError(target.parent, f"refusing to write an empty {target.name}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
