"""``python -m egovrules``: the command line."""

from egovrules.cli import main

raise SystemExit(main())
