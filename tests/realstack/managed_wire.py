"""audisp-remote's `managed` wire format, to inject records into an auditd TCP listener.
Each record: a 16-byte little-endian header `<IBBIHI` (magic 0xff0000fe, header version 0,
message version 0, type 0 = MESSAGE, length, sequence) then the text; auditd answers each
with a header of type 0x40000000 (ACK) carrying the same sequence number."""
from __future__ import annotations

import socket
import struct
from typing import List, Optional, Sequence

MAGIC = 0xFF0000FE
HEADER = struct.Struct("<IBBIHI")
T_MESSAGE = 0x00000000
T_ACK = 0x40000000


def frame(seq: int, text: bytes) -> bytes:
    return HEADER.pack(MAGIC, 0, 0, T_MESSAGE, len(text), seq) + text


def send_records(host: str, port: int, records: Sequence[str], local_port: int = 0,
                 timeout: float = 3.0) -> List[str]:
    """Send each record and wait for its ACK. Returns one line per record: "acked" or the
    reason it was not (the connection refused/closed/timed out); stops at the first failure."""
    results: List[str] = []
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.settimeout(timeout)
    try:
        if local_port:
            sock.bind(("127.0.0.1", local_port))
        sock.connect((host, port))
        for seq, record in enumerate(records, start=1):
            problem = exchange(sock, seq, record)
            results.append(problem or "acked")
            if problem:
                break
    except (OSError, EOFError) as error:
        results.append("not acked: %s" % (error.__class__.__name__,))
    finally:
        sock.close()
    return results


def exchange(sock: socket.socket, seq: int, record: str) -> Optional[str]:
    """Send one record and read its answer: None when it is the ACK of `seq`, else what came."""
    sock.sendall(frame(seq, record.encode()))
    magic, _hv, _mv, kind, length, ack_seq = HEADER.unpack(_recv_exact(sock, HEADER.size))
    if length:
        _recv_exact(sock, length)
    if magic == MAGIC and kind == T_ACK and ack_seq == seq:
        return None
    return "answer type 0x%08x seq %d" % (kind, ack_seq)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError("peer closed the connection")
        data += chunk
    return data
