#!/usr/bin/env python3
"""Runs the test command with a deadline, so that a hang ends CI with a diagnosis instead of silence.

Usage: .ci/watch-tests.py SECONDS -- COMMAND [ARG...]

The command's output is passed through line by line (the test binary is made line-buffered, so nothing is lost
in a pipe buffer when it is killed). Swift Testing's "◇ Test … started." and "✔/✘ Test … passed/failed" lines are
tracked; when SECONDS pass, the tests still running are printed, every thread of each test process is
backtraced with gdb (a thread blocked in waitpid or a lock shows there), and the process group is killed.
Exit status: the command's own, or 124 on the deadline.
"""
import os
import re
import signal
import subprocess
import sys
import threading
import time

STARTED = re.compile(r"^◇ Test (.+) started\.$")
ENDED = re.compile(r"^[✔✘] Test (.+?)(?: with \d+ test cases?)? (passed|failed)")


def main() -> int:
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 64
    seconds = float(sys.argv[1])
    command = sys.argv[3:]
    environment = dict(os.environ)
    # glibc stdio of every process below: line-buffered stdout even into a pipe.
    stdbuf = "/usr/libexec/coreutils/libstdbuf.so"
    if os.path.exists(stdbuf):
        environment["LD_PRELOAD"] = (environment.get("LD_PRELOAD", "") + " " + stdbuf).strip()
        environment["_STDBUF_O"] = "L"
        environment["_STDBUF_E"] = "L"
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment,
                               start_new_session=True)
    running: dict[str, float] = {}
    lock = threading.Lock()
    expired = threading.Event()

    def watchdog() -> None:
        if process.wait_or_none(seconds) is None:
            expired.set()
            diagnose(process.pid, running, lock)
            # swift test runs the test binary in a process group of its own: kill every descendant by pid.
            for pid in descendants(process.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            os.killpg(process.pid, signal.SIGKILL)

    def wait_or_none(timeout: float):
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    process.wait_or_none = wait_or_none  # type: ignore[attr-defined]
    threading.Thread(target=watchdog, daemon=True).start()
    assert process.stdout is not None
    for raw in process.stdout:
        line = raw.decode("utf-8", errors="replace")
        sys.stdout.write(line)
        sys.stdout.flush()
        text = line.rstrip("\n")
        with lock:
            if text.startswith("◇ Test case "):
                pass  # a parameterized test's cases: only the test's own start and end are tracked
            elif (match := STARTED.match(text)) is not None and match.group(1) != "run":
                running[match.group(1)] = time.monotonic()
            elif (match := ENDED.match(text)) is not None:
                running.pop(match.group(1), None)
    status = process.wait()
    if expired.is_set():
        print(f"ci: the tests did not end within {seconds:.0f} s; the diagnosis is above", file=sys.stderr)
        return 124
    return status


def diagnose(group: int, running: dict[str, float], lock: threading.Lock) -> None:
    now = time.monotonic()
    with lock:
        hanging = sorted(running.items(), key=lambda item: item[1])
    print(f"\nci: DEADLINE: {len(hanging)} test(s) still running:", flush=True)
    for name, started in hanging:
        print(f"ci:   {name} (for {now - started:.0f} s)", flush=True)
    for pid in descendants(group):
        name = open(f"/proc/{pid}/comm").read().strip() if os.path.exists(f"/proc/{pid}/comm") else "?"
        if not name.startswith("garrison"):  # the test binary (garrisonPackageTests.xctest) and daemons
            continue
        print(f"ci: threads of {pid} ({name}):", flush=True)
        try:
            subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt 30"], timeout=120,
                           stdout=sys.stdout, stderr=subprocess.STDOUT)
        except (OSError, subprocess.TimeoutExpired) as error:
            print(f"ci: gdb could not attach: {error}", flush=True)


def descendants(root: int) -> list[int]:
    """Every process below `root`, by parent pid (the test binary, the daemons it runs, PostgreSQL)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])  # the parent pid is the 4th field, the 2nd after the name
        except (OSError, IndexError, ValueError):
            continue
    found: list[int] = []
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


if __name__ == "__main__":
    sys.exit(main())
