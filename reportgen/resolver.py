"""The only way a document's images, fonts and logos are read: an allow-list.

Officers' prose and data end up inside documents, so a document must never be
able to read ``/etc/passwd`` or call ``http://169.254.169.254/``. Every writer
resolves resources through ``read_resource``; the PDF writer also hands
WeasyPrint a fetcher built on it, so nothing WeasyPrint asks for bypasses it.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import urllib.parse
from pathlib import Path

from reportgen import resources
from reportgen.errors import ResourceRefusedError

log = logging.getLogger(__name__)

ASSET_SCHEME = "reportgen-asset"
"""URLs the HTML uses for project files: ``reportgen-asset:styles/default/logo.svg``."""


def asset_url(path: Path) -> str:
    """The URL a document uses for a file under the allowed folders.

    Relative to the project for reportgen's own files, so a document does not
    record where reportgen is installed; absolute for a council's own style
    folder. Either way ``read_resource`` checks it against the allow-list.
    """
    path = path.resolve()
    root = resources.project_root().resolve()
    return f"{ASSET_SCHEME}:{(path.relative_to(root) if path.is_relative_to(root) else path).as_posix()}"


def read_resource(url: str) -> tuple[bytes, str]:
    """Bytes and MIME type of an allowed resource; ``ResourceRefusedError`` otherwise."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return _read_data_uri(url)
    if scheme == ASSET_SCHEME:
        return _read_asset(url)
    if scheme in ("http", "https", "ftp"):
        raise ResourceRefusedError(url, "reportgen never fetches from the network")
    if scheme == "file" or url.startswith("/") or not scheme:
        raise ResourceRefusedError(url, "local files are read only through the project's asset folders")
    raise ResourceRefusedError(url, f"the {scheme!r} scheme is not allowed")


def _read_data_uri(url: str) -> tuple[bytes, str]:
    header, _, payload = url[5:].partition(",")
    mime = header.split(";")[0] or "text/plain"
    try:
        if header.endswith(";base64"):
            return base64.b64decode(payload, validate=True), mime
        return urllib.parse.unquote_to_bytes(payload), mime
    except ValueError as exc:
        raise ResourceRefusedError(url[:60] + "...", f"malformed data: URI ({exc})") from None


def _read_asset(url: str) -> tuple[bytes, str]:
    rel = urllib.parse.unquote(url.split(":", 1)[1])
    path = (resources.project_root() / rel).resolve()
    if not any(path.is_relative_to(root) for root in resources.allowed_roots()):
        raise ResourceRefusedError(url, "outside the project's templates/ and styles/ folders "
                                        f"(and ${resources.STYLES_VARIABLE})")
    if not path.is_file():
        raise ResourceRefusedError(url, "no such file")
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return path.read_bytes(), mime
