"""``python -m autograd_core.cli``: the ``chainrule`` command."""

import sys

from autograd_core.cli.main import main

sys.exit(main())
