"""``python -m simulator.cli``: the ``layerlab`` command without the console script."""

import sys

from . import main

sys.exit(main())
