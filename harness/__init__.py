"""What the tests and the benchmarks both drive: headless Chromium (``chromium``), a live app
and the component's frame in it (``app``), and prepared views of synthetic feature maps
(``synthetic``).

A package of its own beside ``tests/`` and ``benchmarks/``, so that a benchmark imports no test
module, and the tests import nothing from the benchmarks. Not part of the wheel.
"""

__all__: list[str] = []
