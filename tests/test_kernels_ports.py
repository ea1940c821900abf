"""Kernel ports: outside the ephemeral range, free when chosen, chosen again once a fork server is ready."""

from __future__ import annotations

import json
import os
import random
import socket
import stat
from pathlib import Path

import pytest

from coop_analysis import kernels
from coop_analysis.kernels import ports


def _listening_on(port: int) -> socket.socket:
    """A socket holding ``port`` as another program would (no SO_REUSEADDR)."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", port))
    holder.listen()
    return holder


def test_ports_are_distinct_free_and_outside_the_ephemeral_range():
    low, high = ports.ephemeral_range()
    chosen = ports.pick("127.0.0.1", 5)
    assert len(set(chosen)) == 5
    assert all(ports.LOWEST <= port < low or high < port <= 65535 for port in chosen)
    held = [_listening_on(port) for port in chosen]  # each could be bound when returned
    for holder in held:
        holder.close()


def test_a_port_in_use_or_held_is_not_chosen():
    busy = _listening_on(0)
    try:
        taken = busy.getsockname()[1]

        offers = [taken, 20001]

        class Draw(random.Random):
            """Offers the busy port, then a port held by this process, then ordinary draws."""

            def choice(self, seq):  # type: ignore[override]
                return offers.pop(0) if offers else super().choice(seq)

        chosen = ports.pick("127.0.0.1", 2, taken={20001}, ephemeral=(taken + 1, 60999), rng=Draw(7))
        assert offers == []  # both were offered
        assert taken not in chosen and 20001 not in chosen and len(set(chosen)) == 2
    finally:
        busy.close()


def test_without_room_outside_the_ephemeral_range_the_system_picks():
    chosen = ports.pick("127.0.0.1", 5, ephemeral=(1024, 65535))
    assert len(set(chosen)) == 5 and all(1024 <= port <= 65535 for port in chosen)


def test_reserve_adds_the_ports_to_those_held():
    held = {20002}
    chosen = ports.reserve("127.0.0.1", held)
    assert set(chosen) <= held and len(held) == 6 and 20002 not in chosen


@pytest.mark.parametrize(
    ("text", "expected"),
    [("32768\t60999\n", (32768, 60999)), ("1024 65000", (1024, 65000)), ("junk", ports.DEFAULT_EPHEMERAL)],
)
def test_ephemeral_range_is_read_from_the_system(tmp_path, text, expected):
    path = tmp_path / "ip_local_port_range"
    path.write_text(text)
    assert ports.ephemeral_range(path) == expected
    assert ports.ephemeral_range(tmp_path / "missing") == ports.DEFAULT_EPHEMERAL


def test_rewriting_the_connection_file_changes_only_the_ports(tmp_path):
    path = tmp_path / "kernel-x.json"
    info = {"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "hb_port": 4, "control_port": 5, "key": "k"}
    path.write_text(json.dumps(info))
    path.chmod(0o600)
    new = dict(zip(ports.CHANNELS, [11, 12, 13, 14, 15], strict=True))
    ports.rewrite_connection_file(path, new)
    assert json.loads(path.read_text()) == {**info, **new}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kernel-x.json"]


@pytest.fixture
def kernel_manager(tmp_path, monkeypatch):
    from jupyter_client.manager import KernelManager

    kernels.install_kernel_spec(prefix=tmp_path)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    km = KernelManager(kernel_name=kernels.KERNEL_NAME)
    yield km
    if km.has_kernel:
        km.shutdown_kernel(now=True)
    km.cleanup_resources()
    kernels.stop_servers()


def _ports_of(km) -> list[int]:
    return [getattr(km, name) for name in ports.CHANNELS]


def test_a_port_taken_while_the_fork_server_starts_is_not_the_kernels(kernel_manager):
    """The race that killed kernels: a port taken between choosing it and the kernel binding it."""
    km = kernel_manager
    kernels.stop_servers()  # the next kernel waits seconds for a new server
    command, options = km.pre_start_kernel(extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    first = _ports_of(km)
    low, high = ports.ephemeral_range()
    assert all(not low <= port <= high for port in first)
    thief = _listening_on(first[0])  # another program binds the shell port meanwhile
    try:
        km._launch_kernel(command, **options)
        km.post_start_kernel(**options)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            reply = kc.execute_interactive("import os; x = os.getppid()", timeout=60)
            assert reply["content"]["status"] == "ok"
        finally:
            kc.stop_channels()
    finally:
        thief.close()
    assert km.provisioner.forked
    now = _ports_of(km)
    assert first[0] not in now and all(not low <= port <= high for port in now)
    written = json.loads(Path(km.connection_file).read_text())
    assert [written[name] for name in ports.CHANNELS] == now


def test_fresh_kernels_get_ports_outside_the_ephemeral_range_too(kernel_manager, monkeypatch):
    monkeypatch.setenv("COOP_ANALYSIS_FORK", "0")
    km = kernel_manager
    km.pre_start_kernel()
    low, high = ports.ephemeral_range()
    assert all(not low <= port <= high for port in _ports_of(km))
    assert os.path.exists(km.connection_file)


def test_kernels_jupyter_client_starts_in_the_tests_get_such_ports_too():
    """nbval's kernels (python3 kernelspec) take their ports from jupyter_client's cache; tests/conftest.py points it here."""
    from jupyter_client.connect import LocalPortCache

    cache = LocalPortCache.instance()
    port = cache.find_available_port("127.0.0.1")
    try:
        low, high = ports.ephemeral_range()
        assert not low <= port <= high and port in cache.currently_used_ports
    finally:
        cache.return_port(port)


def test_the_pool_draws_from_both_sides_of_the_ephemeral_range():
    low, high = 32768, 60999
    pool = ports._Pool(ports.outside((low, high)))
    assert len(pool) == (low - ports.LOWEST) + (65535 - high)
    assert [pool[0], pool[low - ports.LOWEST - 1], pool[low - ports.LOWEST], pool[len(pool) - 1]] == [
        ports.LOWEST,
        low - 1,
        high + 1,
        65535,
    ]
    with pytest.raises(IndexError):
        pool[len(pool)]
