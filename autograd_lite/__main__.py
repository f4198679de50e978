"""``python -m autograd_lite``: the command line (see :mod:`autograd_lite.cli`)."""

from .cli import main

raise SystemExit(main())
