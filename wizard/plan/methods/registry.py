"""The forwarding methods by their answers' `method` value."""
from __future__ import annotations

from wizard.plan.methods import native, rsyslog

METHODS = {native.NAME: native, rsyslog.NAME: rsyslog}


def method_for(answers):
    return METHODS[answers.method]
