"""Compliance with the auditors' scanner (OpenSCAP + ComplianceAsCode): the content's rules
about audit forwarding (content.py, from the data file extracted from the content), their
checks (audit_rules.py, rsyslog_rules.py) on the host as the plan leaves it (projected.py), and
the view the Security step and `auditd-wizard compliance` show (view.py)."""
