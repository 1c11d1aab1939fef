"""`python -m wizard.cli` (the trial's rollback timer runs it this way)."""
import sys

from wizard.cli.main import main

sys.exit(main())
