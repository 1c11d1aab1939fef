"""The TOML answers file: load (with messages a user can act on), dump, JSON schema."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List, Union

import tomli_w

from wizard.model import Answers, validate_answers

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on the 3.9 venv
    import tomli as tomllib


MAX_BYTES = 1024 * 1024


class AnswersError(Exception):
    """An answers file that cannot be used; `messages` has one line per problem."""

    def __init__(self, messages: List[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


def parse_answers(text: str, source: str = "answers") -> Answers:
    """Answers from TOML text; raises AnswersError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The decoder's message already ends with "(at line N, column M)".
        raise AnswersError(["%s: not valid TOML: %s" % (source, exc)]) from None
    except (RecursionError, ValueError, TypeError) as exc:
        raise AnswersError(["%s: not valid TOML: %s" % (source, type(exc).__name__)]) from None
    answers, messages = validate_answers(data)
    if answers is None:
        raise AnswersError(messages)
    return answers


def load_answers(path: Union[str, Path]) -> Answers:
    """Read and validate an answers file; raises AnswersError (never anything else)."""
    source = str(path)
    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_BYTES + 1)   # /dev/zero or a huge log must not fill memory
    except OSError as exc:
        raise AnswersError(["%s: cannot read: %s" % (source, exc.strerror or exc)]) from None
    if len(raw) > MAX_BYTES:
        raise AnswersError(["%s: larger than 1 MiB; an answers file is a few KB (is it the "
                            "right file?)" % source])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise AnswersError(["%s: not UTF-8 text (line %d)" % (source, line)]) from None
    return parse_answers(text, source)


def answers_data(answers: Answers) -> Dict[str, Any]:
    """Plain data in field order, without unset (None) values: TOML has no null."""
    return answers.model_dump(mode="json", exclude_none=True)


def dump_answers(answers: Answers) -> str:
    """TOML text that load_answers() reads back into equal Answers."""
    return tomli_w.dumps(answers_data(answers))


def answers_schema() -> Dict[str, Any]:
    """JSON schema of the answers file (for editors and documentation)."""
    return Answers.model_json_schema()
