"""Inside a private mount namespace (run by tests/test_full_disk.py with `unshare -m`): put a
sandbox root's /etc, its journal folder (or the whole root) on small tmpfs mounts, fill them to
leave FREE bytes, run the wizard's CLI as an admin would, and report each outcome as one JSON
line. The mounts vanish with the namespace, so everything is compared in here.

argv: SPEC_JSON = {"template": DIR, "scratch": DIR, "answers": FILE, "cases": [
    {"name", "mount": "etc+journal" | "root", "size_kib", "free_kib": {"etc": N, "journal": N}}]}"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.crash_matrix import temp_files  # noqa: E402
from tests.fault_harness import sim_state, tree_snapshot  # noqa: E402

FILLER = ".full-disk-filler"
JOURNAL = "var/lib/auditd-wizard"


def sh(*argv: str) -> None:
    subprocess.run(list(argv), check=True, stdin=subprocess.DEVNULL)


def mount_tmpfs_over(target: Path, stage: Path, size_kib: int, mode: str) -> None:
    """A tmpfs of size_kib with target's content, mounted on target."""
    stage.mkdir(parents=True)
    sh("mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode={mode}", "tmpfs", str(stage))
    if target.is_dir():
        sh("cp", "-a", f"{target}/.", str(stage))
    target.mkdir(parents=True, exist_ok=True)
    sh("mount", "--bind", str(stage), str(target))


def fill(folder: Path, free_kib: int) -> None:
    """Leave about free_kib KiB free on folder's filesystem (None: no filler)."""
    filler = folder / FILLER
    st = os.statvfs(str(folder))
    have = st.f_bavail * st.f_frsize
    size = max(0, have - free_kib * 1024)
    with open(str(filler), "ab", buffering=0) as handle:
        try:
            handle.write(b"\0" * size)
        except OSError:
            pass


def fill_up(folder: Path) -> None:
    """No free block left at all."""
    with open(str(folder / FILLER), "ab", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass


def snapshot(root: Path):
    files = {k: v for k, v in tree_snapshot(root).items() if not k.endswith(FILLER)}
    return files, sim_state(root)


def cli(root: Path, *args: str):
    done = subprocess.run([sys.executable, "-m", "wizard.cli", *args, "--root", str(root)],
                          cwd=str(HERE.parent), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120, env=dict(os.environ, PYTHONPATH=str(HERE.parent)))
    return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")


def run_case(spec: dict, case: dict) -> dict:
    scratch = Path(spec["scratch"]) / case["name"]
    root = scratch / "root"
    scratch.mkdir(parents=True)
    sh("cp", "-a", spec["template"], str(root))
    if case["mount"] == "root":
        mount_tmpfs_over(root, scratch / "stage-root", case["size_kib"], "0755")
        fill(root, case["free_kib"]["etc"])
    else:
        mount_tmpfs_over(root / "etc", scratch / "stage-etc", case["size_kib"], "0755")
        mount_tmpfs_over(root / JOURNAL, scratch / "stage-journal", case["size_kib"], "0700")
        fill(root / "etc", case["free_kib"]["etc"])
        fill(root / JOURNAL, case["free_kib"]["journal"])
    before = snapshot(root)
    out = {"name": case["name"], "steps": []}

    code, stdout, stderr = cli(root, "apply", "--answers", spec["answers"], "--yes")
    if code == 2 and "not applied" in stderr:   # "not applied (step N): ..."
        # The plan's preflight saw the full disk first (the forward queue's room, ...); the
        # admin insists with --force, and the transaction's own check must still hold.
        out["preflight"] = {"exit": code, "stderr": stderr[-2000:], "unchanged": snapshot(root) == before}
        code, stdout, stderr = cli(root, "apply", "--answers", spec["answers"], "--yes", "--force")
    same = snapshot(root) == before
    out["steps"].append({"command": "apply", "exit": code, "stderr": stderr[-2000:],
                         "stdout": stdout[-500:], "unchanged": same})
    if code == 0:
        # Applied: now fill /etc and the journal up completely and roll back, as the admin
        # would. (With the whole root full, the package database could not change either,
        # on a real host too: there the rollback runs on the room the apply left.)
        if case["mount"] != "root":
            fill_up(root / "etc")
            fill_up(root / JOURNAL)
        code, stdout, stderr = cli(root, "rollback", "--last")
        out["steps"].append({"command": "rollback", "exit": code, "stderr": stderr[-2000:],
                             "stdout": stdout[-500:], "unchanged": snapshot(root) == before})
    code, stdout, stderr = cli(root, "history")
    out["steps"].append({"command": "history", "exit": code, "stderr": stderr[-2000:],
                         "stdout": stdout[-2000:], "unchanged": None})
    out["temp_files"] = [p for p in temp_files(root) if FILLER not in p]
    return out


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    for case in spec["cases"]:
        try:
            result = run_case(spec, case)
        except Exception as err:  # reported to the parent, which fails the case
            result = {"name": case["name"], "error": f"{type(err).__name__}: {err}"}
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
