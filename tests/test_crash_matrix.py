"""Issue #11: SIGKILL at random moments of apply and of rollback (not only at the transaction's
own events), 315 cases over a sender, a receiver and an rsyslog TLS receiver with lab
certificates: each ends, after the next run's rollback, with a byte-identical root (content,
mode, owner, links), an equal simulated system, no temp files, and auditd running the restored
files. The figures are printed (pytest -s); CRASH_MATRIX_SEED changes the random moments."""
import json
import os
import shutil
import zlib
from pathlib import Path

import pytest

from tests.crash_matrix import Figures, Scenario, scratch_dir
from wizard.sandbox import make_demo_root
from wizard.session import Session

pytestmark = pytest.mark.slow

SCENARIOS = {
    "sender": 'role = "sender"\n[remote]\nserver = "logs.example.com"\nport = 6060\n'
              'mode = "forward"\n',
    "receiver": 'role = "receiver"\n[receiver]\nlisten_port = 6060\n'
                'allowed_senders = ["192.0.2.0/24", "198.51.100.7"]\n',
    "rsyslog-tls-receiver": 'role = "receiver"\nmethod = "rsyslog"\n[security]\nencryption = "tls"\n'
                            'tls_driver = "ossl"\npeer_names = ["web01.example.com"]\n'
                            'lab_certificates = true\n[rsyslog]\nport = 10514\n',
}
APPLY_KILLS, ROLLBACK_KILLS = 70, 35


@pytest.fixture
def scenario(request):
    name = request.param
    scratch = Path(scratch_dir())
    template = make_demo_root(scratch / "template", "almalinux-9")
    (scratch / "answers.toml").write_text(SCENARIOS[name])
    changes = Session.open(str(template), str(scratch / "answers.toml")).plan().transaction()
    (scratch / "plan.json").write_text(json.dumps([c.to_dict() for c in changes]))
    seed = int(os.environ.get("CRASH_MATRIX_SEED", "0")) ^ zlib.crc32(name.encode())
    made = Scenario(name, template, scratch / "plan.json", seed)
    made.measure()
    yield made
    shutil.rmtree(str(scratch), ignore_errors=True)


def _report(scenario, what: str, figures: Figures) -> None:
    print(f"crash matrix {scenario.name} {what}: {figures.cases} cases, {figures.restored} restored, "
          f"{figures.killed_mid_work} killed before the end (work {scenario.apply_seconds:.2f} s "
          f"apply, {scenario.rollback_seconds:.2f} s rollback; seed {scenario.seed})")
    assert not figures.failures, "\n".join(figures.failures[:10])
    assert figures.restored == figures.cases
    # The kills land inside the work, not all after it.
    assert figures.killed_mid_work >= figures.cases * 0.6


@pytest.mark.parametrize("scenario", sorted(SCENARIOS), indirect=True)
def test_apply_killed_at_random_moments_is_restored(scenario):
    figures = Figures()
    for number in range(APPLY_KILLS):
        scenario.kill_apply(number, figures)
    _report(scenario, "apply", figures)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS), indirect=True)
def test_rollback_killed_at_random_moments_is_finished_by_the_next_one(scenario):
    figures = Figures()
    for number in range(ROLLBACK_KILLS):
        scenario.kill_rollback(number, figures)
    _report(scenario, "rollback", figures)
