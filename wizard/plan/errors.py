"""The planner's refusal, importable without loading the planner."""


class PlanError(Exception):
    """The answers ask for something this host cannot do; the message says why and what instead."""
