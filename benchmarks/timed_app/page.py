"""classroom's page script, run as it is, with each run's duration appended to a log.

Each line of ``$CLASSROOM_BENCH_SCRIPT_LOG`` is ``<epoch seconds at the end> <seconds>``.
"""

from __future__ import annotations

import os
import runpy
import time
from pathlib import Path

from classroom.server import PAGE

started = time.perf_counter()
try:
    runpy.run_path(str(PAGE), run_name="__main__")
finally:
    with Path(os.environ["CLASSROOM_BENCH_SCRIPT_LOG"]).open("a", encoding="utf-8") as log:
        log.write(f"{time.time():.6f} {time.perf_counter() - started:.6f}\n")
