"""Random damage to a file's bytes, for property-based tests of readers (hypothesis)."""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = ["damaged"]


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` after one to three edits anywhere: cut, bit flip, insert, delete, overwrite.

    An edit may leave the bytes as they were (overwriting a byte with itself); tests must
    accept the data exactly then, and refuse it otherwise.
    """
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 3))):
        if not data:
            break
        where = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "overwrite"]))
        if kind == "truncate":
            del data[where:]
        elif kind == "flip":
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[where : where + draw(st.integers(1, 64))]
        else:
            patch = draw(st.binary(min_size=1, max_size=64))
            data[where : where + len(patch)] = patch
    return bytes(data)
