"""Troubleshooting (step 9 and `auditd-wizard doctor`): independent checks, each giving a
Finding (ok / warning / problem / skipped) with its evidence, a plain-words explanation and,
where the wizard can, a fix planned as Changes and applied through a Transaction."""
from wizard.doctor.engine import CHECKS, diagnose, fix_changes
from wizard.doctor.model import FileEdit, Finding

__all__ = ["CHECKS", "diagnose", "fix_changes", "FileEdit", "Finding"]
