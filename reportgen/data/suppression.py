"""Figures that are not published: the symbols that stand in for them, and what a blank cell means.

Part of validation (``reportgen.data.validate`` reads the cells; this module
finds the cells that hold no number; what each symbol means is in
``reportgen.data.symbols``, which needs no pandas). The DfE's files, and Explore
Education Statistics (EES) downloads, write a symbol where a figure is not
published (``c`` for a figure suppressed to protect confidentiality), so
"not published" is always something the publisher *said*. A blank cell says
nothing: in an EES file it is read as not published, as ever; in a council's
own file it is usually a figure someone forgot to paste in, so it is read as
not published *and* warned about, naming the file, row, column and period.
Why a warning and not an error: a row whose figure is not in yet is how a
monthly file is often kept, and a report built from it says "the data has no
figure for ..." (a distribution run waits for the figure) rather than printing
a wrong number; but whoever runs ``reportgen check`` or builds the report is
told which cell it was, and how to say "not published" on purpose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from reportgen.data.read import ROW
from reportgen.data.symbols import BLANK, BLANK_RULE
from reportgen.data.types import Period

if TYPE_CHECKING:  # validate imports this module, so only for the type checker
    from reportgen.data.validate import Reporter

def warn_blank_values(clean: pd.DataFrame, periods: list[Period], ees: np.ndarray, cautions: Reporter) -> None:
    """A warning for each blank value in a council's own file, naming its row, column and period.

    ``clean`` is the checked frame (``suppressed`` is ``BLANK`` for a blank
    value); ``ees`` marks its rows from EES files, whose blanks are not warned about.
    """
    blank = (clean["suppressed"].to_numpy() == BLANK) & ~ees
    if not blank.any():
        return
    said = pd.Series("", index=clean.index, dtype=object)
    for i in np.flatnonzero(blank):
        said.iat[i] = (f"{clean['measure'].iat[i]} for {clean['area'].iat[i]} in "
                       f"{periods[int(clean['pid'].iat[i])].text} is blank: treated as not published; write the "
                       "DfE symbol (e.g. 'x' or 'c') if that is what you mean, or the figure")
    cautions.cells(clean, blank, "value", BLANK_RULE, lambda text: text, said)


def not_published_rows(frame: pd.DataFrame) -> np.ndarray:
    """Positions of the rows of a checked frame whose figure is not published, by block then spreadsheet row."""
    rows = np.flatnonzero(frame["suppressed"].to_numpy() != "")
    order = np.lexsort((frame[ROW].to_numpy()[rows], frame["block"].to_numpy()[rows]))
    return rows[order]
