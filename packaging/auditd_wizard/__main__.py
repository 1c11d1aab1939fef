"""`python -m auditd_wizard` (and the pyz's entry point)."""
import sys

from auditd_wizard import main

sys.exit(main())
