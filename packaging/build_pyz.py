"""Build dist/auditd-wizard.pyz: one file that runs the wizard with `python3 auditd-wizard.pyz`
on CPython 3.9 and 3.12 (the system Pythons of AlmaLinux/RHEL 9 and 10; also 3.11, packaged for
EL 8 and 9) on x86_64 and aarch64, with every dependency inside (pydantic-core's compiled
manylinux wheels for each): no network needed where it runs.

    python3 packaging/build_pyz.py            # needs PyPI (for pex and the wheels), once

Made with pex (see README "Install"): pex resolves the dependencies for several target
platforms into one file and picks the right wheels when it starts; in --venv mode it unpacks
once into its cache (~/.cache/pex, or $PEX_ROOT) and later starts as fast as a venv."""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build" / "pyz"
PEX = "pex>=2.20,<3"
PLATFORMS = [f"manylinux2014_{machine}-cp-{version}-cp{version}"
             for version in ("39", "311", "312") for machine in ("x86_64", "aarch64")]


def run(*argv) -> None:
    print("+ " + " ".join(str(a) for a in argv), flush=True)
    subprocess.run([str(a) for a in argv], check=True, cwd=str(REPO))


def tools() -> Path:
    """A venv with pex, kept under build/ between builds."""
    python = BUILD / "tools" / "bin" / "python"
    if not python.exists():
        venv.create(str(BUILD / "tools"), with_pip=True)
        run(python, "-m", "pip", "install", "-q", PEX)
    return python


def build(output: Path) -> Path:
    python = tools()
    wheels = BUILD / "wheel"
    shutil.rmtree(wheels, ignore_errors=True)
    run(python, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, REPO)
    wheel = next(wheels.glob("auditd_wizard-*.whl"))
    output.parent.mkdir(parents=True, exist_ok=True)
    platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    run(python, "-m", "pex", wheel, *platforms, "-m", "auditd_wizard", "--venv",
        "--no-pre-install-wheels", "--python-shebang", "/usr/bin/env python3", "-o", output)
    return output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=REPO / "dist" / "auditd-wizard.pyz",
                        help="where to write the pyz (default dist/auditd-wizard.pyz)")
    output = build(parser.parse_args().output.resolve())
    print(f"Built {output} ({output.stat().st_size / 2**20:.1f} MiB) for "
          + ", ".join(PLATFORMS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
