"""A value cell's text as a number: the one place that decides what ``1,249``, ``24.5%`` or ``c`` is.

Part of validation (``reportgen.data.validate`` runs the rules; this module
reads the cells they judge and words what is wrong with one). Numbers stay
text until the facts layer makes a ``Decimal`` of them, so nothing is lost to
floats on the way.

- A comma separates thousands, as Excel writes them into a CSV (``"1,249"``
  is 1249). A comma anywhere else (``1,24``, ``24,5``, ``1,2490``) is never
  read as some other number: the message says where a comma may go.
- Counts are whole. ``1.249`` children is refused as a fraction, with a hint
  in case the full stop separates thousands, as it does in much of Europe.
- A symbol (``c``, ``x`` ..., or in square brackets, ``[c]``) or a blank is
  not a number but a figure that is not published (``reportgen.data.suppression``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from reportgen.data.read import each_unique
from reportgen.data.symbols import BLANK, SYMBOLS

if TYPE_CHECKING:  # validate imports this module, so only for the type checker
    from reportgen.data.validate import Reporter

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_COMMA_NUMBER = re.compile(r"[+-]?[\d,]*,[\d,]*(?:\.\d*)?%?")
"""Digits with a comma that is not a thousands separator: ``1,24``, ``24,5``, ``1,2490``."""
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
"""A whole number written with full stops between thousands: ``1.249``."""


def read_numbers(texts: pd.Series, allow_percent_sign: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row: plain number text ("" if none), suppression (``c``, ``BLANK``, or ""), not-a-number, float value."""
    codes, uniques = pd.factorize(texts.to_numpy(dtype=object), use_na_sentinel=False)
    size = len(uniques)
    plain = np.full(size, "", dtype=object)
    suppressed = np.full(size, "", dtype=object)
    numeric = np.zeros(size, dtype=bool)
    percent_sign = np.zeros(size, dtype=bool)
    number = np.full(size, np.nan)
    for i, text in enumerate(uniques):
        lowered = text.lower()
        symbol = lowered[1:-1].strip() if lowered.startswith("[") and lowered.endswith("]") else lowered
        if not text:
            suppressed[i] = BLANK
        elif symbol in SYMBOLS:  # c, or [c] as the GSS guidance on symbols in tables writes it
            suppressed[i] = symbol
        else:
            if _THOUSANDS.fullmatch(text):
                text = text.replace(",", "")
            if text.endswith("%"):
                percent_sign[i] = True
                text = text[:-1].strip()
            if _NUMBER.fullmatch(text):
                numeric[i], plain[i], number[i] = True, text, float(text)
    rows_numeric = numeric[codes]
    not_number = (~rows_numeric & (suppressed[codes] == "")) | (percent_sign[codes] & ~allow_percent_sign)
    return plain[codes], suppressed[codes], not_number, np.where(rows_numeric, number[codes], np.nan)


def not_a_number(text: str) -> str:
    """The message for a cell that is neither a number nor a symbol."""
    message = f"expected a number, got {text!r}"
    if _COMMA_NUMBER.fullmatch(text):
        message += ("; a comma may only separate thousands, in groups of three digits (1,249), "
                    "and a decimal point is a full stop (24.5)")
    return message


def check_whole(frame: pd.DataFrame, report: Reporter, column: str, plain: np.ndarray, counts: np.ndarray,
                nouns: np.ndarray) -> np.ndarray:
    """Rows of ``counts`` whose number (``plain``, "" when none) is not whole, reported; 249.5 would print as 250.

    ``nouns`` says per row what is counted ("children"), for the message.
    """
    fraction = counts & ~each_unique(plain, _is_whole, bool)
    if not fraction.any():
        return fraction
    said = pd.Series("", index=frame.index, dtype=object)
    for i in np.flatnonzero(fraction):
        text, noun = frame[column].iat[i], nouns[i]
        said.iat[i] = f"expected a whole number{f' of {noun}' if noun else ''}, got {text!r}"
        if _DOT_THOUSANDS.fullmatch(text):
            said.iat[i] += f"; if the full stop separates thousands, write {text.replace('.', '')}"
    report.cells(frame, fraction, column, "whole number", lambda t: t, texts=said)
    return fraction


def _is_whole(text: str) -> bool:
    return not text or Decimal(text) == Decimal(text).to_integral_value()
