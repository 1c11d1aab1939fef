"""Argument types for the parser: each refuses a bad value with a message argparse prints as
`argument --wait: ...` (exit 2). No pydantic, nothing heavy: the parser is built on every start."""
from __future__ import annotations

import argparse
import math
import re

from wizard import validators

DAY = 24 * 3600


def seconds(low: float, high: float = DAY, whole: bool = False):
    """A number of seconds in [low, high]; NaN, infinities and overflow refused."""
    def parse(text: str):
        number = _number(text, whole)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(
                f"{validators.show(text)} is out of range: give {low:g} to {high:g} seconds"
                + (" (24 hours)" if high == DAY else ""))
        return number
    return parse


def _number(text: str, whole: bool):
    pattern = r"[0-9]{1,12}" if whole else r"[0-9]{1,12}(\.[0-9]{1,6})?"
    if not re.fullmatch(pattern, text.strip()):
        raise argparse.ArgumentTypeError(
            f"{validators.show(text)} is not a number of seconds"
            + (" (a whole number)" if whole else " (like 10 or 2.5)"))
    value = int(text) if whole else float(text)
    if not math.isfinite(value):   # unreachable with the pattern above; kept as the rule
        raise argparse.ArgumentTypeError(f"{validators.show(text)} is not a number of seconds")
    return value


def ssh_target(text: str) -> str:
    problem = validators.ssh_target(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def node_name(text: str) -> str:
    problem = validators.node_name(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def nonce(text: str) -> str:
    """The tag `auditd-wizard test` prints on the sender: 12 hexadecimal digits."""
    if not re.fullmatch(r"[0-9a-f]{6,64}", text):
        raise argparse.ArgumentTypeError(
            f"{validators.show(text)} is not a test tag (the hexadecimal tag the sender's "
            "`auditd-wizard test` printed, like 3f9a1c0b2d4e)")
    return text
