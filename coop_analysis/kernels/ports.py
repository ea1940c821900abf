"""Ports for a kernel's five channels that nothing else takes before the kernel binds them.

jupyter_client picks a kernel's ports by binding port 0 and closing the socket;
the kernel binds them later, and if anything took one meanwhile the kernel dies
at start ("Address already in use", then "Kernel died before replying to
kernel_info"; jupyter_client issue 487). What takes them is nearly always the
operating system handing the same port out as the local end of an outgoing
connection (ZeroMQ clients reconnecting to kernels that are still starting, any
other program) or to another process binding port 0: both draw from the
*ephemeral* range (``/proc/sys/net/ipv4/ip_local_port_range``). These ports are
drawn at random from outside that range, so neither can hand them out; each is
checked free by binding it.
"""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from coop_analysis.fileio import atomic_write

log = logging.getLogger(__name__)

#: The connection-file fields of a kernel's ports, in jupyter_client's order.
CHANNELS = ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port")
#: Where the range cannot be read (not Linux): Linux's default start to the top, which covers
#: the IANA dynamic range macOS and Windows use (49152–65535) as well.
DEFAULT_EPHEMERAL = (32768, 65535)
#: Lowest port drawn (well-known and registered service ports below it are left alone).
LOWEST = 10000
#: Fewer candidate ports than this outside the ephemeral range: fall back to binding port 0.
MIN_POOL = 2000
#: Attempts at drawing one free port before falling back to port 0.
ATTEMPTS = 200

_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_reserving = threading.Lock()


def ephemeral_range(path: Path = _RANGE_FILE) -> tuple[int, int]:
    """The system's ephemeral port range, inclusive (:data:`DEFAULT_EPHEMERAL` where it cannot be read)."""
    try:
        low, high = (int(part) for part in path.read_text().split())
    except (OSError, ValueError):
        return DEFAULT_EPHEMERAL
    return (low, high) if 0 < low <= high <= 65535 else DEFAULT_EPHEMERAL


def outside(ephemeral: tuple[int, int]) -> list[range]:
    """Port ranges from :data:`LOWEST` to 65535 that avoid ``ephemeral``."""
    low, high = ephemeral
    pools = [range(LOWEST, min(low, 65536)), range(max(high + 1, LOWEST), 65536)]
    return [pool for pool in pools if len(pool) > 0]


def _probe(ip: str) -> socket.socket:
    """A TCP socket for trying a port (closed without lingering, as jupyter_client's probes are)."""
    probe = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\0" * 8)
    return probe


def _bindable(ip: str, port: int) -> bool:
    """True if ``port`` can be bound now (without SO_REUSEADDR: a port in any use, even TIME_WAIT, is not)."""
    with _probe(ip) as probe:
        try:
            probe.bind((ip, port))
        except OSError:
            return False
    return True


def _any_port(ip: str) -> int:
    with _probe(ip) as probe:
        probe.bind((ip, 0))
        return int(probe.getsockname()[1])


class _Pool(Sequence[int]):
    """The ports of several ranges as one sequence, without listing them."""

    def __init__(self, ranges: list[range]) -> None:
        self._ranges = ranges

    def __len__(self) -> int:
        return sum(len(r) for r in self._ranges)

    def __getitem__(self, index: int) -> int:  # type: ignore[override]
        for r in self._ranges:
            if index < len(r):
                return r[index]
            index -= len(r)
        raise IndexError(index)


def pick(
    ip: str,
    count: int = len(CHANNELS),
    *,
    taken: Iterable[int] = (),
    ephemeral: tuple[int, int] | None = None,
    rng: random.Random | None = None,
) -> list[int]:
    """``count`` distinct free ports on ``ip``, outside the ephemeral range, none of them in ``taken``.

    Where too few ports lie outside the range (a machine that made nearly all of
    them ephemeral), ports come from binding port 0, as jupyter_client does.
    """
    avoid = set(taken)
    pool = _Pool(outside(ephemeral or ephemeral_range()))
    draw = rng or random.SystemRandom()
    chosen: list[int] = []
    while len(chosen) < count:
        port = None
        if len(pool) >= MIN_POOL:
            for _ in range(ATTEMPTS):
                candidate = draw.choice(pool)
                if candidate not in avoid and _bindable(ip, candidate):
                    port = candidate
                    break
            else:
                log.warning("no free port found outside the ephemeral range; using one the system picks")
        while port is None or port in avoid:
            port = _any_port(ip)
        avoid.add(port)
        chosen.append(port)
    return chosen


def reserve(ip: str, held: set[int], count: int = len(CHANNELS)) -> list[int]:
    """:func:`pick` ``count`` ports and add them to ``held`` (the ports this process's kernels hold), atomically."""
    with _reserving:
        chosen = pick(ip, count, taken=held)
        held.update(chosen)
    return chosen


def rewrite_connection_file(path: str | os.PathLike[str], ports: dict[str, int]) -> None:
    """Replace the port fields of a kernel's connection file (owner-only, as jupyter_client writes it)."""
    target = Path(path)
    info = json.loads(target.read_text()) | ports
    atomic_write(target, json.dumps(info, indent=2), mode=0o600)
