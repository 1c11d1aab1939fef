"""Preflight (issue #10 item 4): one list for `plan`, Review and `apply` with every step note and
every problem known before applying. `plan` prints it; `apply` refuses a blocker with exit 2
and the reasons unless --force."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.security_helpers import seed_admin_files
from wizard.cli.main import main
from wizard.sandbox import make_demo_root
from wizard.session import Session

KERBEROS_SENDER = ('role = "sender"\n[remote]\nserver = "logs.example.com"\n'
                   '[security]\nencryption = "kerberos"\n')
TLS_SENDER = ('role = "sender"\nmethod = "rsyslog"\n[remote]\nserver = "logs.example.com"\n'
              '[security]\nencryption = "tls"\n')


@pytest.fixture
def bare(tmp_path) -> Path:
    """A stock demo root: no realm, no keytab, no certificates."""
    return make_demo_root(tmp_path / "root", "almalinux-9")


@pytest.fixture
def seeded(bare) -> Path:
    seed_admin_files(bare)
    return bare


def run(root: Path, capsys, command: str, answers: str, *extra: str):
    path = root.parent / "answers.toml"
    path.write_text(answers)
    capsys.readouterr()
    argv = [command, "--answers", str(path), "--root", str(root)]
    code = main(argv + (["--yes"] if command == "apply" else []) + list(extra))
    out = capsys.readouterr()
    return code, out.out, out.err


def findings(root: Path, answers: str):
    path = root.parent / "answers.toml"
    path.write_text(answers)
    return Session.open(str(root), str(path)).preflight()


def test_kerberos_without_keytab_or_realm_refuses_with_exit_2_and_force_applies(bare, capsys):
    code, out, err = run(bare, capsys, "apply", KERBEROS_SENDER)
    assert code == 2 and out == ""
    assert "not applied (step 8): No default_realm in /etc/krb5.conf" in err
    assert "not applied (step 8): /etc/audit/audisp-remote.key does not exist" in err
    assert "auditd-wizard:     kadmin -q 'ktadd -k /etc/audit/audisp-remote.key" in err  # how to fix it
    assert "--force" in err
    assert not (bare / "var/lib/auditd-wizard/transactions").exists()      # nothing was changed
    code, out, err = run(bare, capsys, "apply", KERBEROS_SENDER, "--force")
    assert code == 0 and "applying despite (--force): No default_realm" in err
    assert "transport = KRB5" in (bare / "etc/audit/audisp-remote.conf").read_text()


def test_tls_without_certificates_refuses_with_exit_2_and_force_applies(bare, capsys):
    code, _out, err = run(bare, capsys, "apply", TLS_SENDER)
    assert code == 2
    for path in ("/etc/pki/rsyslog/ca.pem", "/etc/pki/rsyslog/cert.pem", "/etc/pki/rsyslog/key.pem"):
        assert f"not applied (step 8): {path} does not exist yet" in err
    code, _out, _err = run(bare, capsys, "apply", TLS_SENDER, "--force")
    assert code == 0 and (bare / "etc/rsyslog.d/auditd-wizard-forward.conf").exists()


def test_with_what_the_admin_provides_both_apply_without_force(seeded, capsys):
    assert run(seeded, capsys, "apply", KERBEROS_SENDER)[0] == 0
    assert run(seeded, capsys, "apply", TLS_SENDER)[0] == 0


def test_plan_prints_every_note_and_the_blockers(bare, capsys):
    code, out, _err = run(bare, capsys, "plan", KERBEROS_SENDER)
    assert code == 0
    section = out.split("== Before applying (2 blocker(s), 0 warning(s))\n", 1)[1]
    lines = section.splitlines()
    assert lines[0].startswith("BLOCKER (step 8): No default_realm")
    assert any(l.startswith("BLOCKER (step 8): /etc/audit/audisp-remote.key does not exist") for l in lines)
    assert "    kadmin -q 'addprinc -randkey auditd/alma9.example.com@REALM'" in lines
    assert "note (step 7): Run the connection and delivery test after applying (auditd-wizard test)." in lines
    assert "note (step 9): Run the diagnostics after applying (auditd-wizard doctor)." in lines


def test_a_certificate_for_another_name_blocks(seeded):
    cert = seeded / "etc/pki/rsyslog/cert.pem"
    cert.write_text((seeded / "etc/pki/rsyslog/ca.pem").read_text())   # logs.example.com's
    found = findings(seeded, TLS_SENDER)
    assert [f.step for f in found if f.level == "blocker" and "do not match" in f.text] == [8]


@pytest.mark.parametrize("answers, level, words", [
    ('role = "sender"\n[remote]\nserver = "192.0.2.10"\n[security]\nencryption = "kerberos"\n',
     "blocker", "an IP address: audisp-remote asks the KDC for auditd/192.0.2.10"),
    ('role = "sender"\n[remote]\nserver = "logs.example.com"\nmode = "forward"\n'
     'queue_file = "/var/tmp/remote.log"\n', "blocker", "outside /var/spool/audit"),
    ('role = "sender"\n[remote]\nserver = "logs.example.com"\nnetwork_failure_action = "halt"\n',
     "warning", "this host halts"),
    ('role = "sender"\n[remote]\nserver = "logs.example.com"\nnetwork_failure_action = "single"\n',
     "warning", "single-user mode"),
    ('role = "sender"\n[remote]\nserver = "logs.example.com"\nmode = "forward"\noutage = "30d"\n'
     'peak_rate = 5\n',
     "blocker", "filesystem has"),
    ('role = "receiver"\n[receiver]\nmax_per_addr = 1\nclient_max_idle = 0\n',
     "warning", "refused (op=dup)"),
])
def test_problems_known_before_applying(seeded, answers, level, words):
    found = findings(seeded, answers)
    assert [f.level for f in found if words in f.text] == [level], [f.text for f in found]


def test_queue_file_outside_the_spool_only_warns_when_selinux_is_permissive(seeded):
    state_path = seeded / ".sandbox/state.json"
    data = json.loads(state_path.read_text())
    data["selinux"]["mode"] = "Permissive"
    state_path.write_text(json.dumps(data))
    found = findings(seeded, 'role = "sender"\n[remote]\nserver = "l.example.com"\nmode = "forward"\n'
                             'queue_file = "/var/tmp/remote.log"\n')
    assert [f.level for f in found if "outside /var/spool/audit" in f.text] == ["warning"]


def test_name_format_fqd_blocks_when_the_name_does_not_resolve(seeded):
    answers = 'role = "sender"\n[remote]\nserver = "logs.example.com"\n[auditd]\nname_format = "fqd"\n'
    assert not [f for f in findings(seeded, answers) if f.level == "blocker"]
    state_path = seeded / ".sandbox/state.json"
    data = json.loads(state_path.read_text())
    data["fail"].append({"argv": ["getent", "hosts"], "exit_code": 2, "stderr": " "})
    state_path.write_text(json.dumps(data))
    blocked = [f for f in findings(seeded, answers) if f.level == "blocker"]
    assert [f.step for f in blocked] == [2] and "does not resolve (getent hosts)" in blocked[0].text
