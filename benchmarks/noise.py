"""How much of the machine others took while something was measured.

The benchmark machines are shared: another engineer's test run can slow one side of a
comparison by several times for a few seconds. :class:`OthersMeter` reads the kernel's CPU
accounting (``/proc/stat``) around a measurement and subtracts this process's own CPU time:
what is left is the work of other processes, plus time the hypervisor gave to other machines
(``steal``). A measurement during which others kept more than :data:`QUIET_CORES` busy is
called disturbed, and the benchmarks that can afford to repeat it do so.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Final

__all__ = ["QUIET_CORES", "OthersMeter"]

#: Others' average load (in cores) under which a measurement counts as undisturbed.
QUIET_CORES: Final = 0.25
#: /proc/stat's cpu line: user nice system idle iowait irq softirq steal (guest time is
#: already part of user time).
_IDLE_FIELDS: Final = (3, 4)
_COUNTED_FIELDS: Final = 8


def _busy_seconds() -> float | None:
    """Seconds all cores spent on anything but idling, or None without ``/proc/stat``."""
    try:
        with Path("/proc/stat").open(encoding="ascii") as stat:
            values = [int(value) for value in stat.readline().split()[1 : _COUNTED_FIELDS + 1]]
    except (OSError, ValueError):
        return None
    busy = sum(value for index, value in enumerate(values) if index not in _IDLE_FIELDS)
    return busy / os.sysconf("SC_CLK_TCK")


@dataclass
class OthersMeter:
    """A context manager: ``others_cores`` is how many cores others kept busy, on average,
    during the block (``None`` where the system does not say).

    Children of this process count as others unless they ran inside the block and were
    waited for; measure work done in this process.
    """

    others_cores: float | None = field(default=None, init=False)
    _start: tuple[float | None, float, float] = field(default=(None, 0.0, 0.0), init=False)

    def __enter__(self) -> OthersMeter:
        self._start = (_busy_seconds(), time.process_time(), time.perf_counter())
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        busy, own, wall = _busy_seconds(), time.process_time(), time.perf_counter()
        busy_before, own_before, wall_before = self._start
        if busy is None or busy_before is None or wall <= wall_before:
            return
        others = (busy - busy_before) - (own - own_before)
        self.others_cores = max(0.0, others) / (wall - wall_before)

    @property
    def quiet(self) -> bool:
        """Whether others stayed under :data:`QUIET_CORES` (True where unknown)."""
        return self.others_cores is None or self.others_cores <= QUIET_CORES
