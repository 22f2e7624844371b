"""``OUT/<period>/index.html``: the period's documents listed for people.

A plain, accessible page (en-GB, one table with a caption and header cells,
links named by report and format) that works opened from disk or published on
an intranet: every link is relative to the page.

The page carries a fingerprint of what it shows (``<meta name="reportgen-index">``:
a sha256 of the template and the values put in it). A rerun that would write
the same page leaves the file alone and never loads Jinja, which is most of
what an unchanged rerun would otherwise spend here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from babel.dates import format_datetime

from reportgen.distribute.contents import DocumentRecord
from reportgen.distribute.manifest import FORMAT_NAMES
from reportgen.output import write_atomically

if TYPE_CHECKING:
    import jinja2

INDEX_FILE = "index.html"
_FINGERPRINT = '<meta name="reportgen-index" content="{}">'

# A backslash at the end of a line joins it to the next: the page (and its fingerprint) is as if written on one line.
_TEMPLATE = """\
<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="reportgen-index" content="{{ fingerprint }}">
<title>{{ title }}: {{ period }}</title>
<style>
body { font-family: Arial, "Liberation Sans", sans-serif; font-size: 1.1rem; line-height: 1.5; margin: 2rem; \
color: #0b0c0c; }
table { border-collapse: collapse; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.5rem; }
th, td { text-align: left; vertical-align: top; padding: 0.5rem 1rem 0.5rem 0; \
border-bottom: 1px solid #b1b4b6; }
a { color: #1d70b8; }
a:focus { outline: 3px solid #fd0; background: #fd0; color: #0b0c0c; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); \
white-space: nowrap; }
</style>
</head>
<body>
<main>
<h1>{{ title }}: {{ period }}</h1>
{% if failed %}
<p><strong>Not updated this period:</strong> {{ failed | join(", ") }}. \
The documents listed for {{ "it" if failed | length == 1 else "them" }}, if any, are from an earlier build.</p>
{% endif %}
<table>
<caption>{{ rows | length }} report{{ "" if rows | length == 1 else "s" }} for {{ period }}</caption>
<thead>
<tr><th scope="col">Report</th><th scope="col">For</th><th scope="col">Documents</th><th scope="col">Built</th></tr>
</thead>
<tbody>
{% for row in rows %}
<tr>
<th scope="row">{{ row.title }}</th>
<td>{{ row.audience }}</td>
<td>
<ul>
{% for doc in row.documents %}
<li><a href="{{ doc.href }}">{{ doc.format }}\
<span class="visually-hidden"> of {{ row.title }}</span></a> ({{ doc.size }})</li>
{% endfor %}
</ul>
</td>
<td>{{ row.built }}</td>
</tr>
{% endfor %}
</tbody>
</table>
</main>
</body>
</html>
"""


def write_index(folder: Path, title: str, period_label: str, records: Mapping[str, Sequence[DocumentRecord]],
                audiences: Mapping[str, str | None], failed: Sequence[str] = ()) -> Path:
    """Write index.html for ``records`` (report id -> its documents), in the order given.

    Left untouched when it already shows exactly this (see the module docstring).
    """
    rows = []
    for report_id, documents in records.items():
        if not documents:
            continue
        rows.append({
            "title": documents[0].title,
            "audience": audiences.get(report_id) or "",
            "documents": [{"href": quote(d.path), "format": FORMAT_NAMES.get(d.format, d.format),
                           "size": _size(d.size)} for d in documents],
            "built": _when(max(d.built_at for d in documents)),
        })
    titles = {rid: docs[0].title for rid, docs in records.items() if docs}
    context: dict[str, Any] = {"title": title, "period": period_label, "rows": rows,
                               "failed": [titles.get(rid, rid) for rid in failed]}
    fingerprint = hashlib.sha256(json.dumps([_TEMPLATE, context], sort_keys=True).encode()).hexdigest()
    path = folder / INDEX_FILE
    if _shows(path, fingerprint):
        return path
    html = _page().render(fingerprint=fingerprint, **context)
    write_atomically(path, html.encode("utf-8"))
    return path


def _shows(path: Path, fingerprint: str) -> bool:
    """True when the page at ``path`` was written from the same template and values."""
    try:
        return _FINGERPRINT.format(fingerprint) in path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


@cache
def _page() -> jinja2.Template:
    import jinja2

    return jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(_TEMPLATE)


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _when(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return format_datetime(moment, "d MMMM yyyy, HH:mm", locale="en_GB")
