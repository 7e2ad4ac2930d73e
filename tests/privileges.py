"""Make file permissions bite, even for root.

Tests of "permission denied" need the kernel to refuse a read or a write. An ordinary user gets
that from ``chmod``; root does not, because its CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
capabilities bypass file modes (CI containers often run as root). :func:`file_modes_enforced`
clears those two capabilities from the calling thread's *effective* set for the duration of a
``with`` block and restores them afterwards (they stay in the permitted set, so restoring is
allowed). Capabilities are per thread on Linux, and the tests that use this run in one thread.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from collections.abc import Iterator

__all__ = ["file_modes_enforced"]

_CAPABILITY_VERSION_3 = 0x20080522
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


class _Header(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _Data(ctypes.Structure):
    _fields_ = (
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    )


def _call(name: str, header: _Header, data: ctypes.Array[_Data]) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if getattr(libc, name)(ctypes.byref(header), data) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{name}: {os.strerror(error)}")


@contextlib.contextmanager
def file_modes_enforced() -> Iterator[None]:
    """Within the block, file modes apply to this thread even if it runs as root."""
    if os.geteuid() != 0:
        yield
        return
    header = _Header(_CAPABILITY_VERSION_3, 0)
    data = (_Data * 2)()
    _call("capget", header, data)
    saved = data[0].effective
    data[0].effective &= ~((1 << _CAP_DAC_OVERRIDE) | (1 << _CAP_DAC_READ_SEARCH))
    _call("capset", header, data)
    try:
        yield
    finally:
        data[0].effective = saved
        _call("capset", _Header(_CAPABILITY_VERSION_3, 0), data)
