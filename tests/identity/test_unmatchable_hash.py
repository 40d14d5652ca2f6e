"""The unknown login's dummy check runs the same argon2 as a real one.

`Hasher` no longer hashes a throwaway password at start-up (64 MiB in every process);
its dummy is a well-formed stored hash with its parameters. A malformed one would be
refused before any hashing (InvalidHashError) and make an unknown login fast: here it
has to be parsed, carry the hasher's parameters, and fail only on the comparison.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import VerifyMismatchError

from auth.passwords import Hasher, unmatchable_hash
from config import Argon2Params


@pytest.mark.parametrize(
    "params", [Argon2Params(time_cost=1, memory_cost=8, parallelism=1), Argon2Params()]
)
def test_the_dummy_has_the_hashers_parameters_and_matches_nothing(params: Argon2Params) -> None:
    hasher = PasswordHasher(
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        type=Type.ID,
    )
    dummy = unmatchable_hash(hasher)
    assert extract_parameters(dummy) == extract_parameters(hasher.hash("a real one"))
    with pytest.raises(VerifyMismatchError):
        hasher.verify(dummy, "any password")


async def test_an_unknown_login_is_checked_against_it() -> None:
    hasher = Hasher(Argon2Params(time_cost=1, memory_cost=8, parallelism=1))
    try:
        assert not await hasher.verify(None, "any password")
        assert not await hasher.verify("", "any password")
    finally:
        hasher.close()
