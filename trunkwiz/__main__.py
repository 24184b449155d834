"""``python -m trunkwiz`` runs the command line."""

import sys

from trunkwiz.cli import main

sys.exit(main())
