"""`python -m archrules_lsp`: the language server (the CLI is `archrules`)."""

import sys

from archrules_lsp.server.main import main

sys.exit(main())
