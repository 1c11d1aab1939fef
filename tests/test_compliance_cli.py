"""`auditd-wizard compliance [--answers F] [--root DIR] [--json]`: the compliance view headless."""
import json

from tests.security_helpers import demo
from wizard.cli import main

TLS_SENDER = ('role = "sender"\nmethod = "rsyslog"\n[remote]\nserver = "logs.example.com"\n'
              '[security]\nencryption = "tls"\n')


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_names_each_rule_and_exits_3_when_a_stig_rule_is_not_met(tmp_path, capsys):
    root = demo(tmp_path, "almalinux-10")
    answers = tmp_path / "a.toml"
    answers.write_text(TLS_SENDER)
    code, out, err = run(capsys, "compliance", "--root", str(root), "--answers", str(answers))
    assert code == 3 and err == ""
    assert out.startswith("Compliance with DISA STIG for Red Hat Enterprise Linux 10 (V1R2), "
                          "ComplianceAsCode 0.1.82\nChecked on the host as Apply would leave it.\n")
    assert "[review] RHEL-10-200644 Ensure Rsyslog omfwd Action Authenticates Remote Logging Server" in out
    assert "[miss]   RHEL-10-200642 Ensure Logs Sent To Remote Host (rsyslog_remote_loghost)" in out
    assert "the check looks for: a line `*.* @@host`" in out
    assert "A tailoring file for this site sets: rsyslog_remote_loghost_address = logs.example.com" in out


def test_json_is_the_view(tmp_path, capsys):
    root = demo(tmp_path, "almalinux-8")
    answers = tmp_path / "a.toml"
    answers.write_text(TLS_SENDER.replace('"tls"', '"tls"\ntls_driver = "ossl"'))
    code, out, _ = run(capsys, "compliance", "--root", str(root), "--answers", str(answers), "--json")
    data = json.loads(out)
    assert code == 3 and data["release"] == 8 and data["all_met"] is False
    rows = {r["rule"]: r for r in data["rows"]}
    driver = rows["rsyslog_encrypt_offload_defaultnetstreamdriver"]
    assert (driver["stig_id"], driver["status"], driver["scanner"]) == ("RHEL-08-030710", "not met", "fail")


def test_without_answers_the_host_is_read_as_configured(tmp_path, capsys):
    root = demo(tmp_path, "almalinux-9")
    code, out, _ = run(capsys, "compliance", "--root", str(root))
    assert code == 3
    assert "Checked on the host as it is now.\n" in out
    assert "[miss]   RHEL-09-652055 Ensure Logs Sent To Remote Host" in out


def test_a_root_that_is_no_sandbox_is_refused_in_one_line(tmp_path, capsys):
    code, out, err = run(capsys, "compliance", "--root", str(tmp_path))
    assert code == 4 and out == ""
    assert err.startswith("auditd-wizard: --root %s: not a sandbox root" % tmp_path)


def test_bad_answers_name_the_field(tmp_path, capsys):
    root = demo(tmp_path, "almalinux-9")
    answers = tmp_path / "a.toml"
    answers.write_text('role = "sender"\nmethod = "rsyslog"\n[rsyslog]\nport = 70000\n')
    code, out, err = run(capsys, "compliance", "--root", str(root), "--answers", str(answers))
    assert code == 2 and out == ""
    assert "rsyslog.port" in err
