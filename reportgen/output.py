"""Writing output files so that a failure never leaves a half-written or blank document.

Every document is rendered to memory first; only when all formats have
rendered are they written, each to a temporary file in the same folder and
then renamed over the old one (atomic on POSIX). A build that fails midway
keeps the previous good output, and a set of files (a report's Word, PDF
and HTML) is replaced together or not at all: a Word draft from this run
beside last run's PDF would say different things.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reportgen.errors import OutputLocationError


def slug(text: str) -> str:
    """``Children's services: March 2022`` as a file name: ``childrens-services-march-2022``.

    Apostrophes are dropped rather than made into a hyphen ("children-s"),
    and accented letters keep their letter (Gŵyr: gwyr), so the name reads
    as the title does.
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain.replace("'", "")).strip("-")


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
    except OSError as error:  # a read-only file system, a full disk, a name too long ...
        raise OutputLocationError(path, f"it cannot be created: {error.strerror or error}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputLocationError(path, "the folder is not writable")
    return path


@contextmanager
def output_folder(path: Path) -> Iterator[Path]:
    """``prepare_folder``, and the folders it made removed again if the build fails before writing."""
    # os.path.exists, not Path.exists: it says False rather than raise for a name the system refuses.
    missing = [folder for folder in (path, *path.parents) if not os.path.exists(folder)]
    prepare_folder(path)
    try:
        yield path
    except BaseException:
        for folder in missing:  # deepest first; stops at the first that is not empty
            try:
                folder.rmdir()
            except OSError:
                break
        raise


def publish_files(files: dict[Path, bytes]) -> None:
    """Write every file of a set, or none: a failure puts back the files already replaced.

    Each file goes to a temporary file beside its target first, so a full disk
    or an unwritable target stops the set before any target changes. The
    renames come last; should one fail (a PDF open in a viewer that locks it,
    a folder where the file should be), the targets already replaced get their
    previous contents back.
    """
    for target in files:
        if target.is_dir():
            raise OutputLocationError(target.parent, f"{target.name!r} is a folder, where the file should be")
    staged: dict[Path, Path] = {}
    kept: dict[Path, Path] = {}
    done: list[Path] = []
    try:
        for target, data in files.items():
            staged[target] = _staged(target, data)
        for target in files:
            if target.exists():
                kept[target] = _keep_copy(target)
            try:
                os.replace(staged[target], target)
            except OSError as exc:
                raise OutputLocationError(target.parent, f"could not replace {target.name!r}: "
                                                         f"{exc.strerror or exc}") from None
            del staged[target]
            done.append(target)
    except BaseException:
        for target in done:
            if target in kept:
                os.replace(kept[target], target)
            else:
                target.unlink(missing_ok=True)
        raise
    finally:
        for leftover in staged.values():
            leftover.unlink(missing_ok=True)
        for backup in kept.values():
            shutil.rmtree(backup.parent, ignore_errors=True)


def _keep_copy(target: Path) -> Path:
    """A second name for the current file (a hard link, else a copy) to put back if the set fails."""
    backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)) / target.name
    try:
        os.link(target, backup)
    except OSError:
        try:
            shutil.copy2(target, backup)
        except BaseException:
            shutil.rmtree(backup.parent, ignore_errors=True)
            raise
    return backup


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` via a temporary file and a rename."""
    publish_files({target: data})


def _staged(target: Path, data: bytes) -> Path:
    """``data`` written and synced to a temporary file beside ``target``; its name."""
    if not data:
        raise OutputLocationError(target.parent, f"refusing to write an empty {target.name}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)
