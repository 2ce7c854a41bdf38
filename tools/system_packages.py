"""Install the Debian packages a make target needs, when they are missing.

Reads ``tools/system-packages.txt``. Runs with the system Python (it may run
before the virtual environment exists) and uses only the standard library.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

LIST = Path(__file__).with_name("system-packages.txt")
#: Seconds to wait for apt's locks (unattended upgrades, another make): then give up.
LOCK_WAIT = 300


def groups() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for raw in LIST.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            name, _, packages = line.partition(":")
            out[name.strip()] = packages.split()
    return out


def missing(packages: list[str]) -> list[str]:
    absent = []
    for package in packages:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package],
            capture_output=True,
            text=True,
            check=False,
        )
        if "install ok installed" not in result.stdout:
            absent.append(package)
    return absent


def apt_get(args: list[str]) -> int:
    """Run apt-get, waiting while another apt or dpkg holds one of its locks.

    ``DPkg::Lock::Timeout`` makes apt wait for dpkg's lock, but apt 2.6 does
    not wait for its own (the package lists' and the archives'): those are
    retried here until :data:`LOCK_WAIT` runs out.
    """
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    command = ["apt-get", "-o", f"DPkg::Lock::Timeout={LOCK_WAIT}", *args]
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        done = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True, check=False)
        busy = "Could not get lock" in done.stderr
        if done.returncode == 0 or not busy or time.monotonic() > deadline:
            sys.stderr.write(done.stderr)
            return done.returncode
        print("system_packages: another apt holds its lock; waiting", file=sys.stderr, flush=True)
        time.sleep(5)


def main(argv: list[str]) -> int:
    known = groups()
    unknown = [g for g in argv if g not in known]
    if not argv or unknown:
        print(f"usage: system_packages.py GROUP... (groups: {', '.join(known)})", file=sys.stderr)
        return 2
    if shutil.which("dpkg-query") is None:
        print("system_packages: not a Debian system; install these yourself:", file=sys.stderr)
        for group in argv:
            print(f"  {group}: {' '.join(known[group])}", file=sys.stderr)
        return 0
    wanted = [p for g in argv for p in known[g]]
    absent = missing(wanted)
    if not absent:
        return 0
    if os.geteuid() != 0:
        print(
            "Missing Debian packages: "
            + " ".join(absent)
            + "\nInstall them with: sudo apt-get install --no-install-recommends "
            + " ".join(absent),
            file=sys.stderr,
        )
        return 1
    print(f"Installing Debian packages: {' '.join(absent)}", flush=True)
    return apt_get(["update", "-qq"]) or apt_get(
        ["install", "-y", "-qq", "--no-install-recommends", *absent]
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
