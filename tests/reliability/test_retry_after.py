"""What a platform's 429 says in ``Retry-After``, read by every messenger the same way:
seconds within reach, or no advice; never an exception, never forever."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations.http_headers import MAX_RETRY_AFTER, retry_after
from tests.reliability.conftest import FUZZ
from tests.support.fuzz import nasty_text


@FUZZ
@given(value=st.one_of(st.none(), nasty_text(20), st.floats().map(str), st.integers().map(str)))
def test_any_retry_after_is_seconds_within_reach_or_none(value: str | None) -> None:
    found = retry_after(value)
    assert found is None or 0 <= found <= MAX_RETRY_AFTER


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("7", 7.0), ("1.5", 1.5), (" 30 ", 30.0), ("0", 0.0), ("99999999", MAX_RETRY_AFTER)],
)
def test_seconds_are_read(value: str, seconds: float) -> None:
    assert retry_after(value) == seconds


@pytest.mark.parametrize("value", ["²", "1²", "inf", "nan", "1e9", "-1", "", "Wed, 21 Oct 2015"])
def test_what_is_no_number_of_seconds_is_no_advice(value: str) -> None:
    assert retry_after(value) is None
