"""The matična številka check: numbers computed here with the mod-11 rule pass, altered ones fail."""

from __future__ import annotations

import pytest

from fundscout.registry import registry_number


def _valid(first_six: str) -> str | None:
    """A valid 7-digit number from six digits, computed independently of the code under test."""
    total = sum(int(d) * w for d, w in zip(first_six, range(7, 1, -1)))
    if total % 11 == 0:
        return None
    return first_six + str((11 - total % 11) % 10)


SIX = ["100001", "543210", "987654", "202020", "600300", "111118"]


@pytest.mark.parametrize("six", SIX)
def test_computed_numbers_pass_in_7_and_10_digits(six: str) -> None:
    number = _valid(six)
    assert number is not None
    assert registry_number(number) == number + "000"
    assert registry_number(number + "001") == number + "001"
    assert registry_number(f" {number[:3]}.{number[3:]} ") == number + "000"


@pytest.mark.parametrize("six", SIX)
def test_a_wrong_check_digit_fails(six: str) -> None:
    number = _valid(six)
    wrong = number[:6] + str((int(number[6]) + 1) % 10)
    with pytest.raises(ValueError, match="check digit"):
        registry_number(wrong)


def test_a_check_of_ten_is_written_zero_and_sum_divisible_by_eleven_is_never_valid() -> None:
    ten = next(
        s
        for s in (f"{i:06d}" for i in range(1000, 99999))
        if sum(int(d) * w for d, w in zip(s, range(7, 1, -1))) % 11 == 1
    )
    assert registry_number(ten + "0") == ten + "0000"
    never = next(
        s
        for s in (f"{i:06d}" for i in range(1000, 99999))
        if sum(int(d) * w for d, w in zip(s, range(7, 1, -1))) % 11 == 0
    )
    for digit in "0123456789":
        with pytest.raises(ValueError):
            registry_number(never + digit)


@pytest.mark.parametrize("text", ["", "123456", "12345678", "123456789", "12345678901", "12345a7", "1234567-000"])
def test_wrong_lengths_and_characters_fail(text: str) -> None:
    with pytest.raises(ValueError, match="7 or 10 digits"):
        registry_number(text)
