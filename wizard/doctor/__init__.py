"""Troubleshooting (step 9 and `auditd-wizard doctor`): independent checks, each giving a
Finding (ok / warning / problem / skipped) with its evidence, a plain-words explanation and,
where the wizard can, a fix planned as Changes and applied through a Transaction.

The engine is in wizard.doctor.engine; this package file stays empty so that building the
command line (wizard.cli) does not load the checks on every start."""
