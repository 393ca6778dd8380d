"""The matična številka (registration number of the Slovenian business register) and its check digit.

It has 7 digits, the 7th a mod-11 check digit over the first six (weights 7, 6, 5, 4, 3, 2), or 10
digits, the last three naming a business unit (000 is the main seat). A remainder whose check
would be 11 (a weighted sum divisible by 11) is never issued; a check of 10 is written 0.
Stored as 10 digits, so `1234567` and `1234567000` are the same firm.
"""

from __future__ import annotations

import re

WEIGHTS = (7, 6, 5, 4, 3, 2)
_DIGITS = re.compile(r"\d{7}(?:\d{3})?")


def check_digit(first_six: str) -> int | None:
    """The check digit of six digits; None when no number with them is valid."""
    total = sum(int(d) * w for d, w in zip(first_six, WEIGHTS))
    remainder = total % 11
    if remainder == 0:
        return None
    return (11 - remainder) % 10


def registry_number(text: str) -> str:
    """A matična številka in its stored 10-digit form; ValueError saying what is wrong otherwise.

    Spaces and dots between digits (as some exports print it) are ignored.
    """
    compact = re.sub(r"[\s.]", "", text or "")
    if not _DIGITS.fullmatch(compact):
        raise ValueError(f"matična številka {text!r} must have 7 or 10 digits")
    expected = check_digit(compact[:6])
    if expected is None or int(compact[6]) != expected:
        raise ValueError(f"matična številka {text!r} has a wrong check digit")
    return compact if len(compact) == 10 else compact + "000"


def firm_id_of(number: str) -> str:
    """The firm_id a firm known by its matična številka gets (self sign-up and register import alike)."""
    return f"ms{number}"
