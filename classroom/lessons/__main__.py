"""``python -m classroom.lessons``: see :func:`classroom.lessons.cli.main`."""

import sys

from classroom.lessons.cli import main

sys.exit(main())
