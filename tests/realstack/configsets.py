"""The config sets the real-stack tests feed to the real daemons.

`generated_config_sets(workdir)` yields (name, etc_audit_dir): the wizard's own output for
AlmaLinux 8/9/10 x sender/receiver (a demo root from `wizard.sandbox.make_demo_root` plus
`auditd-wizard apply --answers F --root DIR --yes`; the files land in DIR/etc/audit). When
the wizard cannot be imported it yields the hand-written fixture sets instead, so the
harness still tests something real."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Iterator, List, Tuple

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ANSWERS = FIXTURES / "answers"
OSES = ("almalinux-8", "almalinux-9", "almalinux-10")
ROLES = ("sender", "receiver")
# Each is an answers file in fixtures/answers: the defaults per role, then every option the
# planner writes set away from its default, Kerberos, and the rsyslog method's plugin file.
VARIANTS = ROLES + ("sender-options", "receiver-options", "sender-kerberos", "sender-rsyslog")
AUDISP_REMOTE_VARIANTS = ("sender", "sender-options", "sender-kerberos")
FIXTURE_SETS = {"fixture-sender": FIXTURES / "sender-valid",
                "fixture-receiver": FIXTURES / "receiver-valid"}


def wizard_available() -> bool:
    try:
        import wizard.cli  # noqa: F401
        import wizard.sandbox  # noqa: F401
    except ImportError:
        return False
    return True


def config_set_names() -> List[str]:
    """Names known without building anything (for pytest parametrize ids)."""
    if wizard_available():
        return ["%s-%s" % (os_name, variant) for os_name in OSES for variant in VARIANTS]
    return sorted(FIXTURE_SETS)


def build_config_set(name: str, workdir: Path) -> Path:
    """The etc/audit directory of config set `name`, built under workdir when generated."""
    if name in FIXTURE_SETS:
        return FIXTURE_SETS[name]
    os_name = next(o for o in OSES if name.startswith(o + "-"))
    return generate(os_name, name[len(os_name) + 1:], workdir / name)


def generate(os_name: str, variant: str, root: Path) -> Path:
    done = root / ".realstack-generated"
    if done.exists():   # built earlier in this session
        return root / "etc" / "audit"
    from wizard.cli import main
    from wizard.sandbox import make_demo_root
    make_demo_root(root, os_name)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["apply", "--answers", str(ANSWERS / ("%s.toml" % variant)),
                     "--root", str(root), "--yes", "--force"])
    if code != 0:
        raise AssertionError("auditd-wizard apply for %s %s failed (exit %d):\n%s"
                             % (os_name, variant, code, out.getvalue()))
    done.write_text(out.getvalue())
    return root / "etc" / "audit"


def generated_config_sets(workdir: Path) -> Iterator[Tuple[str, Path]]:
    for name in config_set_names():
        yield name, build_config_set(name, workdir)


def native_pair_names() -> List[str]:
    """Sender+receiver pairs for the end-to-end tests: one per OS (or the fixture pair)."""
    return list(OSES) if wizard_available() else ["fixture"]


def build_native_pair(name: str, workdir: Path) -> Tuple[Path, Path]:
    """(sender etc/audit, receiver etc/audit) for pair `name`."""
    return (build_config_set("%s-sender" % name, workdir),
            build_config_set("%s-receiver" % name, workdir))
