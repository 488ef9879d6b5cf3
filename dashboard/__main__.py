"""`python -m dashboard` runs the operator command `jury`."""

import sys

from dashboard.cli import main

sys.exit(main())
