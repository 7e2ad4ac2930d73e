"""The machine a run measured: cores, CPU model, memory, browser and library versions."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["Machine", "describe_machine"]


@dataclass(frozen=True)
class Machine:
    date: str
    cores: int
    cpu: str
    memory_gib: float
    chromium: str
    python: str
    torch: str
    graphics: str = "CPU only, SwiftShader WebGL"

    def summary(self) -> str:
        return (
            f"{self.date}, {self.cores} cores ({self.cpu}), {self.memory_gib:.0f} GiB RAM, "
            f"{self.chromium}, {self.graphics}"
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _cores() -> int:
    """The cores this process may use (what ``nproc`` prints)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("nan")


def _chromium_version(executable: str | None) -> str:
    if executable is None:
        return "no Chromium"
    try:
        completed = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"Chromium (version unknown: {error})"
    return completed.stdout.strip() or "Chromium (version unknown)"


def describe_machine() -> Machine:
    import torch

    from harness.chromium import chromium_executable

    try:
        chromium: str | None = chromium_executable()
    except FileNotFoundError:
        chromium = None
    return Machine(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        cores=_cores(),
        cpu=_cpu_model(),
        memory_gib=_memory_gib(),
        chromium=_chromium_version(chromium),
        python=platform.python_version(),
        torch=f"torch {torch.__version__} ({torch.get_num_threads()} threads)",
    )
