"""Does every runtime dependency still install on a Raspberry Pi (aarch64, Python 3.11, glibc 2.36 as in
Debian 12 and Raspberry Pi OS) without a compiler? Each package the installed product depends on, at the
version installed here, must have an aarch64 wheel on the package index, or be pure Python. Asks the index
for each wheel's metadata only (`pip install --dry-run`); nothing is downloaded whole or installed.

    .venv/bin/python -m scripts.check_aarch64        # run by scripts/test.sh; exit 1 names what is missing
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, distribution

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

GLIBC_MINORS = range(17, 37)
"""manylinux_2_17 (manylinux2014) up to 2_36: Debian 12's glibc, which Raspberry Pi OS Bookworm has."""
PLATFORMS = ["manylinux2014_aarch64", *(f"manylinux_2_{minor}_aarch64" for minor in GLIBC_MINORS)]


def runtime_closure(top: str = "togetherly") -> dict[str, tuple[str, bool]]:
    """Every package `top` needs at run time, as installed here: name -> (version, pure Python)."""
    environment: dict[str, str] = {**{k: str(v) for k, v in default_environment().items()}, "extra": ""}
    found: dict[str, tuple[str, bool]] = {}
    todo = [top]
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            sys.exit(f"{name} is needed but not installed here: install the product first (scripts/install.sh)")
        found[name] = (dist.version, "Root-Is-Purelib: true" in (dist.read_text("WHEEL") or ""))
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(environment):
                todo.append(requirement.name)
    return found


def has_aarch64_wheel(name: str, version: str) -> bool:
    platforms = [flag for platform in PLATFORMS for flag in ("--platform", platform)]
    with tempfile.TemporaryDirectory() as target:
        result = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-deps",
                                 "--ignore-installed", "--only-binary=:all:", *platforms, "--python-version", "3.11",
                                 "--implementation", "cp", "--target", target, f"{name}=={version}"],
                                capture_output=True, text=True, timeout=300)
    return result.returncode == 0


def main() -> int:
    closure = runtime_closure()
    native = {name: version for name, (version, pure) in closure.items() if not pure and name != "togetherly"}
    missing = [f"{name}=={version}" for name, version in sorted(native.items()) if not has_aarch64_wheel(name, version)]
    print(f"{len(closure) - 1} runtime dependencies, {len(native)} with compiled code; "
          f"aarch64 wheels found for {len(native) - len(missing)}")
    if missing:
        print("no aarch64 wheel (a Raspberry Pi would need a compiler): " + ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
