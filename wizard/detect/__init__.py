"""Current files -> answers (the rerun case).

`setups` finds which forwarding setups the files hold (the role and method Welcome shows),
without the answers model; `answers` turns the one shown into answers. Each forwarding method
has a module here with the same shape (`read_sender(host, layout)`, `read_receiver(host,
layout)` -> Found or None). Whatever the files say that the answers model cannot hold is
reported, never silently dropped.
"""
