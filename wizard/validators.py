"""Reusable field checks.

Every function takes the value as typed (usually a str) and returns an error message
(without the field name: the caller adds it) or None when the value is fine. None of them
raises, whatever the input, so the TUI can call them on every keystroke.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Any, Optional

# Audit's parsers split on the space character only; these are the characters a value
# may never contain, whatever the key.
_MAX_SHOWN = 40
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_HOST_RULE = "RFC 1123 letters, digits, '-' and '.'"


def show(value: Any) -> str:
    """Quote a user value for a message: escaped, one line, at most ~40 characters."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = repr(value)
        except Exception:  # a hostile __repr__ must not break a message
            text = "<" + type(value).__name__ + ">"
        if len(text) > _MAX_SHOWN:
            text = text[:_MAX_SHOWN] + "..."
        return text.encode("ascii", "backslashreplace").decode("ascii")
    if len(text) > _MAX_SHOWN:
        text = text[:_MAX_SHOWN] + "..."
    # Letters of any script are shown as typed ("６０", "café"); what a terminal would not
    # show as itself (newlines, escapes, direction marks, lone surrogates) is escaped.
    escaped = "".join(
        "\\\\" if char == "\\" else '\\"' if char == '"' else char if char.isprintable()
        else char.encode("unicode_escape").decode("ascii") for char in text)
    return '"' + escaped + '"'


def safe_config_value(value: Any, allow_inner_spaces: bool = False) -> Optional[str]:
    """A value that audit's `key = value` parsers read back as written.

    No whitespace (or, with allow_inner_spaces, only single spaces between words, as in
    `args = LOG_INFO LOG_LOCAL6`), no `#`, only printable ASCII, not empty.
    """
    if not isinstance(value, str):
        return "must be text"
    if value == "":
        return "must not be empty"
    for char in value:
        if char == "\n" or char == "\r":
            return "must be a single line"
        if char == "#":
            return "must not contain '#' (the audit parser would read the rest as extra words)"
        if char == " " and allow_inner_spaces:
            continue
        if char.isspace():
            return "must not contain spaces or tabs"
        if not (" " < char < "\x7f"):
            return "must contain only printable ASCII characters"
    if allow_inner_spaces:
        if value != value.strip(" ") or "  " in value:
            return "words must be separated by single spaces, without leading or trailing spaces"
    return None


def _hostname_flaw(name: str) -> Optional[str]:
    """Why `name` (already a non-empty str) is not an RFC 1123 host name, or None."""
    if any(char.isspace() for char in name):
        return "it contains a space or another blank"
    if "#" in name:
        return "it contains '#'"
    if safe_config_value(name) is not None:
        return "it contains a character that is not printable ASCII"
    if name.endswith("."):
        name = name[:-1]
    if not name:
        return "it has no label"
    if len(name) > 253:
        return "it is longer than 253 characters"
    labels = name.split(".")
    for label in labels:
        if not label:
            return "it has an empty label ('..' or a leading '.')"
        if len(label) > 63:
            return "it has a label longer than 63 characters"
        if not _LABEL.fullmatch(label):
            return "a label has a character other than letters, digits and '-', or starts or ends with '-'"
    # An all-numeric last label is never a DNS name: "10.0.0.300" is a mistyped address.
    if labels[-1].isdigit():
        return "its last label is all digits"
    return None


def hostname(value: Any) -> Optional[str]:
    """RFC 1123 host name: labels of 1-63 letters/digits/'-', no '-' at either end,
    253 characters at most, an optional trailing dot."""
    if not isinstance(value, str):
        return "must be text"
    if value == "":
        return "must not be empty"
    flaw = _hostname_flaw(value)
    if flaw:
        return "%s is not a hostname (%s): %s" % (show(value), _HOST_RULE, flaw)
    return None


def ip_address(value: Any) -> Optional[str]:
    """An IPv4 or IPv6 address (no zone index, no prefix)."""
    problem = safe_config_value(value)
    if problem:
        return problem
    if "%" in value:
        return "%s: zone indexes ('%%eth0') are not supported" % show(value)
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return "%s is not an IPv4 or IPv6 address" % show(value)
    return None


def _looks_like_ip(value: str) -> bool:
    return ":" in value or bool(re.fullmatch(r"[0-9.]+", value))


def host_or_ip(value: Any) -> Optional[str]:
    """A hostname (RFC 1123) or an IP address."""
    if not isinstance(value, str):
        return "must be text"
    if value == "":
        return "must not be empty"
    if _looks_like_ip(value):
        return ip_address(value)
    flaw = _hostname_flaw(value)
    if flaw:
        return "%s is not a hostname or IP address (%s): %s" % (show(value), _HOST_RULE, flaw)
    return None


def cidr(value: Any) -> Optional[str]:
    """A single address ("192.0.2.7", "2001:db8::1") or a network ("192.0.2.0/24").

    A network with host bits set ("192.0.2.7/24") is refused with the network it probably
    means, because firewalld and a reader would disagree about what it allows.
    """
    problem = safe_config_value(value)
    if problem:
        return problem
    if "%" in value:
        return "%s: zone indexes ('%%eth0') are not supported" % show(value)
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return "%s is not an IP address or network (like 192.0.2.0/24)" % show(value)
    if "/" in value and ipaddress.ip_address(value.split("/", 1)[0]) != network.network_address:
        return "%s has host bits set; did you mean %s?" % (show(value), network)
    return None


def port(value: Any, allow_zero: bool = False) -> Optional[str]:
    """A TCP port 1-65535 (0 too with allow_zero, meaning "any"). Accepts int or digits."""
    low = 0 if allow_zero else 1
    if isinstance(value, bool):
        return "must be a port number %d-65535" % low
    if isinstance(value, str):
        if not value.isascii() or not value.isdigit() or len(value) > 5:
            return "must be a port number %d-65535" % low
        value = int(value)
    if not isinstance(value, int):
        return "must be a port number %d-65535" % low
    if not low <= value <= 65535:
        return "must be a port number %d-65535" % low
    return None


_NODE_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?")


def node_name(value: Any) -> Optional[str]:
    """auditd's `name` (the node= label): host-name characters (and '_', common in host names
    in practice) only, so it is safe in a config line, a command's argument and a search on
    the receiver."""
    problem = safe_config_value(value)
    if problem:
        return problem
    if not _NODE_NAME.fullmatch(value) or ".." in value:
        return ("%s is not a node name: use letters, digits, '-', '_' and '.' (like a host "
                "name), at most 64, starting and ending with a letter or digit" % show(value))
    return None


_SSH_USER = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,31}")


def ssh_target(value: Any) -> Optional[str]:
    """`[user@]host` for ssh: a user name and a host name or IP address, nothing ssh could read
    as an option (a leading '-') or a shell could interpret."""
    if not isinstance(value, str):
        return "must be text"
    if value == "":
        return "must not be empty"
    user, at, host = value.rpartition("@")
    if at and not _SSH_USER.fullmatch(user):
        return ("%s: the user name before '@' may have letters, digits, '_', '.' and '-' "
                "(not first)" % show(value))
    problem = host_or_ip(host)
    if problem:
        return "%s must be [user@]host: %s" % (show(value), problem)
    return None
