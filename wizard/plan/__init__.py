"""The planner: answers + host facts + current files -> the ordered Changes, grouped by step.

core.py (PlanContext, Plan, plan()), auditd.py (what every method sets in auditd itself),
methods/ (one module per forwarding method, same shape), security.py (step 8's shared part),
drafts.py (files being edited). Empty on purpose: importing PlanError must not load the planner.
"""
