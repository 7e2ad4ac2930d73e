"""Uploads at their worst: the server's peak memory growth for one, and for three at once.

Issue 17 (finding 3): a 6300 x 6300 16-bit greyscale PNG, a few hundred kB and under the
40-megapixel limit, raised the server's memory from 1.07 to 2.5 GB; three from three
sessions at once peaked at 5.2 GB. Here ``classroom run`` serves the prepared benchmark
lesson (ResNet-101). A first session uploads a photograph (the benchmark's, mirrored), so that
torch is imported and the network built and run once, as on a server in use; a fresh server
does that for its first picture, lesson or upload alike (about 1.1 GB, which stays). The
server settles. Then one new session uploads a worst-case picture, and later three new
sessions upload one each (three different files, so that none is prepared for another) at
the same moment. Each figure is the server's peak resident memory while the uploads are
checked, queued, decoded, computed and shown, less its memory just before: ``VmHWM`` reset
through ``/proc/<pid>/clear_refs`` where the kernel allows it, and readings every 50 ms.

Run alone: ``.venv/bin/python -m benchmarks --only uploads``.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

from benchmarks.figures import Figure, Goal, Spec
from benchmarks.sessions import Session, classroom, describe_problems, open_session
from benchmarks.workload import bench_image
from harness.app import IFRAME, rss_bytes, wait_painted

if TYPE_CHECKING:
    from playwright.sync_api import Browser

__all__ = ["SPECS", "measure", "worst_case_picture"]

ONE: Final = Spec(
    "upload_peak_mb_1", "worst-case upload: server peak memory growth", "MiB", Goal("<=", 400)
)
THREE: Final = Spec(
    "upload_peak_mb_3", "three at once: server peak memory growth", "MiB", Goal("<=", 600)
)
ONE_S: Final = Spec("upload_view_s_1", "worst-case upload: until its view is painted", "s")
THREE_S: Final = Spec("upload_view_s_3", "three at once: until the last view is painted", "s")
SPECS: Final[tuple[Spec, ...]] = (ONE, THREE, ONE_S, THREE_S)
SIDE: Final = 6300
VIEWPORT: Final = (900, 700)
SETTLE_S: Final = 5.0
SAMPLE_EVERY_S: Final = 0.05
UPLOAD_INPUT: Final = '[data-testid="stFileUploaderDropzoneInput"]'
TIMEOUT_MS: Final = 600_000
PAGE_TIMEOUT_MS: Final = 60_000


def worst_case_picture(path: Path, seed: int = 0) -> Path:
    """A 6300 x 6300 16-bit greyscale PNG of smooth content: a small file, a huge picture."""
    import numpy as np
    from PIL import Image

    side = np.arange(SIDE, dtype=np.uint16)
    values = side[None, :] * np.uint16(3 + seed) + side[:, None] * np.uint16(7)  # wraps: 16 bit
    Image.fromarray(values).save(path, compress_level=1)
    return path


def _warm_up_picture(folder: Path) -> Path:
    """The benchmark photograph mirrored: not the lesson's picture, so it is prepared (the
    lesson's own is prepared already, and uploading it would load no network)."""
    from PIL import Image

    path = folder / "warm-up.png"
    bench_image().transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(path)
    return path


def _status_mib(pid: int, field: str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class _Peak:
    """The highest resident memory of a process tree from now on: kernel and readings."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._stop = threading.Event()
        self.before = rss_bytes(pid) / 2**20
        self.sampled = self.before
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM starts again from VmRSS
            self.kernel = True
        except OSError:
            self.kernel = False
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY_S):
            self.sampled = max(self.sampled, rss_bytes(self._pid) / 2**20)

    def growth(self) -> float:
        self._stop.set()
        self._thread.join()
        peak = self.sampled
        high_water = _status_mib(self._pid, "VmHWM") if self.kernel else None
        if high_water is not None:
            peak = max(peak, high_water)
        return peak - self.before


def _upload_page(session: Session) -> None:
    """Switch the session to "Your own image", where no view is shown before an upload."""
    session.page.get_by_text("Your own image", exact=True).click()
    session.page.locator(IFRAME).wait_for(state="detached", timeout=PAGE_TIMEOUT_MS)
    # The file input itself is hidden behind the drop zone.
    session.page.locator(UPLOAD_INPUT).wait_for(state="attached", timeout=PAGE_TIMEOUT_MS)


def _sessions(browser: Browser, url: str, count: int) -> list[Session]:
    sessions = [open_session(browser, url, viewport=VIEWPORT)[0] for _ in range(count)]
    for session in sessions:
        _upload_page(session)
    return sessions


@contextmanager
def _closing(sessions: Sequence[Session]) -> Iterator[Sequence[Session]]:
    try:
        yield sessions
    finally:
        for session in sessions:
            session.close()


def _upload_at_once(
    pid: int, sessions: Sequence[Session], files: Sequence[Path]
) -> tuple[float, float]:
    """(peak memory growth in MiB, seconds until every view is painted)."""
    peak = _Peak(pid)
    start = time.perf_counter()
    for session, file in zip(sessions, files, strict=True):
        session.page.locator(UPLOAD_INPUT).set_input_files(str(file))
    for session in sessions:
        wait_painted(session.page, timeout_ms=TIMEOUT_MS)
    seconds = time.perf_counter() - start
    return peak.growth(), seconds


def measure() -> list[Figure]:
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="classroom-uploads-") as folder, classroom() as room:
        files = [worst_case_picture(Path(folder) / f"scan-{seed}.png", seed) for seed in range(4)]
        photo = _warm_up_picture(Path(folder))
        with _closing(_sessions(room.browser, room.url, 1)) as warm:
            # The network is built and runs once before anything is measured.
            warm[0].page.locator(UPLOAD_INPUT).set_input_files(str(photo))
            wait_painted(warm[0].page, timeout_ms=TIMEOUT_MS)
            problems += warm[0].problems()
        time.sleep(SETTLE_S)  # let the server's memory settle after the warm-up
        with _closing(_sessions(room.browser, room.url, 1)) as one:
            one_mb, one_s = _upload_at_once(room.server.pid, one, files[:1])
            problems += [problem for session in one for problem in session.problems()]
        time.sleep(SETTLE_S)
        with _closing(_sessions(room.browser, room.url, 3)) as three:
            three_mb, three_s = _upload_at_once(room.server.pid, three, files[1:])
            problems += [problem for session in three for problem in session.problems()]
        size_kb = files[0].stat().st_size // 1024
    how = (
        f"classroom run --untrained, ResNet-101; {SIDE} x {SIDE} 16-bit greyscale PNGs of "
        f"{size_kb} kB; server VmRSS before, peak from VmHWM (reset) and readings every "
        f"{SAMPLE_EVERY_S * 1000:g} ms; after a warm-up upload"
    )
    if problems:
        how += f"; problems seen in the sessions: {describe_problems(problems)}"
    return [
        ONE.measured(one_mb, note=how),
        THREE.measured(three_mb),
        ONE_S.measured(one_s, note="from choosing the file to the painted heat maps"),
        THREE_S.measured(three_s),
    ]
