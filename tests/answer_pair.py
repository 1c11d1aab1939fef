"""Sender answers and the receiver answers generated from them, written as two files: what
an end-to-end test applies to its two hosts (reused by the real-stack tests)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Tuple

from wizard.answers import parse_answers
from wizard.receiver_answers import sender_and_receiver


def write_answer_pair(directory: Path, sender_toml: str, sender_address: str,
                      existing_receiver_toml: Optional[str] = None) -> Tuple[Path, Path]:
    """(sender.toml, receiver.toml) in `directory`; the receiver's file allows sender_address
    and is merged into existing_receiver_toml when given."""
    existing = parse_answers(existing_receiver_toml) if existing_receiver_toml else None
    sender_text, receiver_text = sender_and_receiver(parse_answers(sender_toml), sender_address, existing)
    directory.mkdir(parents=True, exist_ok=True)
    sender_path, receiver_path = directory / "sender.toml", directory / "receiver.toml"
    sender_path.write_text(sender_text)
    receiver_path.write_text(receiver_text)
    return sender_path, receiver_path
