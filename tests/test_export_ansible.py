"""`auditd-wizard export ansible`: the exported playbook passes ansible-playbook --syntax-check
and ansible-lint, and run with ansible-core against a sandbox root it leaves the same files,
byte for byte and mode for mode, as the wizard's own apply of the same answers on a twin root;
a second run changes nothing; --check --diff shows the edits and changes nothing.

The sandbox has no real dnf, semanage or firewall-cmd: the equivalence runs set
auditd_wizard_manage_system=false (files only) and the command tasks are checked from the YAML."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings, strategies as st

from tests.ansible import twin
from tests.ansible.tools import find_tools
from wizard import conf
from wizard.answers import parse_answers
from wizard.cli import main
from wizard.export import file_tasks

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def answers(role: str = "sender", **sections) -> str:
    """Answers TOML: the example file for the role with some sections' keys replaced."""
    data = parse_answers((EXAMPLES / f"{role}.toml").read_text()).model_dump(mode="json", exclude_none=True)
    for section, values in sections.items():
        if isinstance(values, dict):
            data.setdefault(section, {}).update(values)
            data[section] = {k: v for k, v in data[section].items() if v is not None}
        else:
            data[section] = values
    return tomli_w.dumps(data)


KRB5 = {"encryption": "kerberos"}
SCENARIOS = {
    # id: (os, broken, answers applied first to both roots by the wizard, answers, ansible vars, wizard answers)
    "sender-el9": ("almalinux-9", False, None, answers(), None, None),
    "sender-el10-krb5-port61-broken": ("almalinux-10", True, None,
                                        answers(security=KRB5, remote={"port": 61}), None, None),
    "sender-el8-rerun-local-port-any": ("almalinux-8", False,
                                        answers(remote={"local_port": 700, "mode": "immediate"}),
                                        answers(), None, None),
    "sender-el9.2-node-name-per-host": (
        "almalinux-9.2", False, None,
        answers(auditd={"name_format": "user", "name": "fleet"}),
        {"auditd_wizard_node_name": "web07", "auditd_wizard_remote_server": "10.1.1.1"},
        answers(auditd={"name_format": "user", "name": "web07"}, remote={"server": "10.1.1.1"})),
    "receiver-el9": ("almalinux-9", False, None, answers("receiver"), None, None),
    "receiver-el9.2-krb5-port61-zone": (
        "almalinux-9.2", False, None,
        answers("receiver", security=KRB5, firewall={"zone": "internal"},
                receiver={"listen_port": 61, "client_ports": "1024-65535",
                          "allowed_senders": ["192.0.2.7", "2001:db8::7"]}), None, None),
    "receiver-el10-rerun-drops-client-ports": (
        "almalinux-10", False, answers("receiver", receiver={"client_ports": "1024-65535"}),
        answers("receiver"), None, None),
    "receiver-el8-broken": ("almalinux-8", True, None, answers("receiver", security=KRB5), None, None),
}


@pytest.fixture(scope="session")
def tools():
    return find_tools()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """One export per distinct answers text, shared by the lint and shape tests."""
    made = {}

    def get(answers_text: str) -> Path:
        if answers_text not in made:
            made[answers_text] = twin.export(answers_text, tmp_path_factory.mktemp("playbook") / "out")
        return made[answers_text]
    return get


# ------------------------------------------------------------------ equivalence
def _assert_playbook_equals_wizard(tools, tmp_path, os_name, broken, before, wanted, ansible_vars,
                                   wizard_wanted, prepare=None):
    wizard_root, ansible_root = twin.twin_roots(tmp_path, os_name, broken)
    for root in (wizard_root, ansible_root):
        if prepare:
            prepare(root)
        if before:
            twin.wizard_apply(root, before)
            # The playbook does not read the wizard's ledger: it sets what the answers want on
            # any host, like the wizard on a host it did not set up itself (no ledger), where
            # nothing is "put back as it was before the wizard".
            shutil.rmtree(str(root / "var" / "lib" / "auditd-wizard" / "ledger"))
    start = twin.config_tree(ansible_root)
    twin.wizard_apply(wizard_root, wizard_wanted or wanted)
    expected = twin.config_tree(wizard_root)
    assert expected != start, "the scenario must change something"

    playbook = twin.export(wanted, tmp_path / "playbook")
    twin.install_planned_packages(ansible_root, wanted)
    first = twin.run_playbook(tools, playbook, ansible_root, wanted, ansible_vars)
    assert first.returncode == 0 and first.failed == 0, first.output[-3000:]
    assert first.changed >= 1
    got = twin.config_tree(ansible_root)
    differing = sorted(path for path in set(got) | set(expected) if got.get(path) != expected.get(path))
    assert not differing, (differing, first.output[-3000:])

    second = twin.run_playbook(tools, playbook, ansible_root, wanted, ansible_vars)
    assert second.returncode == 0 and second.failed == 0, second.output[-3000:]
    assert second.changed == 0, second.output[-3000:]
    assert twin.config_tree(ansible_root) == expected
    return expected


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_playbook_leaves_the_files_the_wizard_writes(scenario, tools, tmp_path):
    _assert_playbook_equals_wizard(tools, tmp_path, *SCENARIOS[scenario])


def test_check_diff_shows_the_edits_and_changes_nothing(tools, tmp_path):
    wanted = answers()
    _wizard_root, ansible_root = twin.twin_roots(tmp_path, "almalinux-9")
    twin.install_planned_packages(ansible_root, wanted)
    before = twin.config_tree(ansible_root)
    playbook = twin.export(wanted, tmp_path / "playbook")
    run = twin.run_playbook(tools, playbook, ansible_root, wanted, check=True, diff=True)
    assert run.returncode == 0 and run.failed == 0, run.output[-3000:]
    assert run.changed >= 3      # auditd.conf, au-remote.conf, audisp-remote.conf keys
    assert "+remote_server = logs.example.com" in run.output
    assert "-active = no" in run.output and "+active = yes" in run.output
    assert twin.config_tree(ansible_root) == before


# ------------------------------------------------------------------ the rsyslog method
def rsyslog(role: str = "sender", driver: str = "gtls", **sections) -> str:
    security = {"encryption": "tls", "tls_driver": driver}
    security.update(sections.pop("security", {}))
    return answers(role, method="rsyslog", security=security, **sections)


def _without_guide_listener(root: Path) -> None:
    """The admin removes the broken root's legacy imtcp listener (seed-errors row 13), as the
    planner asks before it adds a TLS listener: rsyslogd loads imtcp once (issue #10 item 5e)."""
    (root / "etc" / "rsyslog.d" / "remote-audit.conf").unlink()


def _bad_key(root: Path) -> None:
    """A private key the wizard makes root-only (mode 0644 -> 0600)."""
    key = root / "etc" / "pki" / "rsyslog" / "key.pem"
    key.parent.mkdir(parents=True, exist_ok=True)
    key.write_text("-----BEGIN PRIVATE KEY-----\nnot a real key\n-----END PRIVATE KEY-----\n")
    key.chmod(0o644)


RSYSLOG_METHOD = 'method = "rsyslog"'
RECEIVER_PEERS = {"peer_names": ["web01.example.com", "*.example.org"]}
RSYSLOG_SCENARIOS = {
    # id: (os, broken, answers applied first, answers, ansible vars, wizard answers, prepare)
    "sender-el8-gtls": ("almalinux-8", False, None, rsyslog(), None, None, None),
    "sender-el10-ossl-after-native-per-host": (
        "almalinux-10", False, answers(), rsyslog(driver="ossl"),
        {"auditd_wizard_remote_server": "logs2.example.com", "auditd_wizard_rsyslog_port": 10514,
         "auditd_wizard_tls_peer_names": ["collector.example.com"]},
        rsyslog(driver="ossl", remote={"server": "logs2.example.com"}, rsyslog={"port": 10514},
                security={"peer_names": ["collector.example.com"]}), None),
    "receiver-el9-ossl-key-fix": (
        "almalinux-9", False, None, rsyslog("receiver", "ossl", security=RECEIVER_PEERS),
        None, None, _bad_key),
    "receiver-el10-gtls-broken-allowed-senders": (
        "almalinux-10", True, None,
        rsyslog("receiver", security=RECEIVER_PEERS, receiver={"allowed_senders": ["192.0.2.7"]},
                rsyslog={"remote_dir": "/srv/audit"}), None, None, _without_guide_listener),
}


@pytest.mark.parametrize("scenario", sorted(RSYSLOG_SCENARIOS))
def test_rsyslog_playbook_leaves_the_files_the_wizard_writes(scenario, tools, tmp_path):
    os_name, broken, before, wanted, ansible_vars, wizard_wanted, prepare = RSYSLOG_SCENARIOS[scenario]
    expected = _assert_playbook_equals_wizard(tools, tmp_path, os_name, broken, before, wanted,
                                              ansible_vars, wizard_wanted, prepare)
    dropins = [path for path in expected if path.startswith("etc/rsyslog.d/auditd-wizard-")]
    assert len(dropins) == 1 and expected[dropins[0]][1] == 0o644
    if prepare is _bad_key:
        assert expected["etc/pki/rsyslog/key.pem"][1] == 0o600


def test_rsyslog_check_diff_shows_the_dropin_and_changes_nothing(tools, tmp_path):
    wanted = RSYSLOG_SCENARIOS["sender-el8-gtls"][3]
    _wizard_root, ansible_root = twin.twin_roots(tmp_path, "almalinux-9")
    twin.install_planned_packages(ansible_root, wanted)
    for stale in (ansible_root / "etc" / "rsyslog.d").glob("*"):
        stale.unlink()
    (ansible_root / "etc" / "rsyslog.d").rmdir()        # not even the directory yet
    before = twin.config_tree(ansible_root)
    run = twin.run_playbook(tools, twin.export(wanted, tmp_path / "playbook"), ansible_root, wanted,
                            check=True, diff=True)
    assert run.returncode == 0 and run.failed == 0, run.output[-3000:]
    assert '+           target="logs.example.com" port="6514" protocol="tcp"' in run.output
    assert "+args = LOG_INFO LOG_LOCAL6" in run.output
    assert twin.config_tree(ansible_root) == before and not (ansible_root / "etc" / "rsyslog.d").exists()


# ------------------------------------------------------------------ ansible's own checks
LINTED = {name: SCENARIOS[name][3] for name in
          ("sender-el9", "sender-el10-krb5-port61-broken", "sender-el9.2-node-name-per-host",
           "receiver-el9", "receiver-el9.2-krb5-port61-zone")}
LINTED.update({
    "rsyslog-sender-plain": answers(method="rsyslog"),
    "rsyslog-receiver-plain": answers("receiver", method="rsyslog", rsyslog={"port": 514}),
    "rsyslog-sender-gtls": RSYSLOG_SCENARIOS["sender-el8-gtls"][3],
    "rsyslog-receiver-ossl": RSYSLOG_SCENARIOS["receiver-el9-ossl-key-fix"][3],
})


@pytest.mark.parametrize("name", sorted(LINTED))
def test_syntax_check_and_ansible_lint_pass(name, tools, exported):
    playbook = exported(LINTED[name])
    (playbook / "inventory.ini").write_text((playbook / "inventory.example.ini").read_text())
    syntax = subprocess.run(tools.playbook_argv() + ["-i", "inventory.ini", "--syntax-check", "site.yml"],
                            cwd=str(playbook), capture_output=True, text=True, env=tools.env())
    assert syntax.returncode == 0, syntax.stdout + syntax.stderr
    lint = subprocess.run(tools.lint_argv() + ["--offline", "site.yml"], cwd=str(playbook),
                          capture_output=True, text=True, env=tools.env())
    assert lint.returncode == 0, lint.stdout[-3000:] + lint.stderr[-3000:]
    assert "Passed" in lint.stdout + lint.stderr


# ------------------------------------------------------------------ command shapes
def _tasks(tools, playbook: Path):
    role = playbook / "roles" / "auditd_wizard"
    return (tools.load_yaml(role / "tasks" / "main.yml") + tools.load_yaml(role / "tasks" / "edit_keys.yml"),
            tools.load_yaml(role / "handlers" / "main.yml"))


def _module(task: dict) -> str:
    return next(key for key in task if key.startswith("ansible."))


def test_only_builtin_modules_and_auditd_is_never_restarted_by_systemctl(tools, exported):
    for wanted in LINTED.values():
        playbook = exported(wanted)
        tasks, handlers = _tasks(tools, playbook)
        for task in tasks + handlers:
            assert _module(task).startswith("ansible.builtin."), task["name"]
            if _module(task) == "ansible.builtin.systemd_service":
                unit = task[_module(task)]
                assert unit.get("state") == "started" or unit == {"daemon_reload": True} \
                    or (unit["name"], unit["state"]) == ("rsyslog", "restarted")
            if _module(task) == "ansible.builtin.command":
                argv = task[_module(task)]["argv"]
                assert isinstance(argv, (list, str)) and "cmd" not in task[_module(task)]
                assert "systemctl" not in str(argv)
                assert "changed_when" in task    # every command says when it changed something
        argvs = [h["ansible.builtin.command"]["argv"] for h in handlers if "ansible.builtin.command" in h]
        assert argvs == [["service", "auditd", "restart"], ["auditctl", "--signal", "TERM"]]
        auditd_handlers = [h for h in handlers if h.get("listen") == "Restart auditd"]
        others = [h["name"] for h in handlers if h.get("listen") != "Restart auditd"]
        # (+ a daemon-reload first where the auditd.service drop-in of the rsyslog method is written)
        assert len([h for h in auditd_handlers if "daemon_reload" not in str(h)]) == 5
        assert others == (["Restart rsyslog"] if RSYSLOG_METHOD in wanted else [])
        text = "".join(line for p in playbook.rglob("*.yml") for line in p.read_text().splitlines(True)
                       if not line.lstrip().startswith("#"))
        assert "systemctl restart" not in text and text.count("restarted") == (RSYSLOG_METHOD in wanted)


def test_semanage_and_firewall_commands_have_the_wizards_argv(tools, exported):
    tasks, _ = _tasks(tools, exported(SCENARIOS["receiver-el9.2-krb5-port61-zone"][3]))
    by_name = {t["name"]: t for t in tasks}
    semanage = by_name["Label the audit port audit_port_t"]["ansible.builtin.command"]["argv"]
    assert semanage[:2] == ["semanage", "port"] and semanage[3:] == ["-t", "audit_port_t", "-p", "tcp", "{{ item }}"]
    assert "'-m' if" in semanage[2] and "else '-a'" in semanage[2]
    assert "changed_when" in by_name["Label the audit port audit_port_t"]
    query = by_name["Ask firewalld which rules for the listen port are in place"]
    assert query["changed_when"] is False and query["check_mode"] is False
    assert "'--query-'" in query["ansible.builtin.command"]["argv"]
    add = by_name["Open the listen port in firewalld"]
    assert "'--add-'" in add["ansible.builtin.command"]["argv"]
    assert "rejectattr('rc', 'equalto', 0)" in add["loop"]      # only rules the query did not find
    rule = add["vars"]["auditd_wizard_rule_value"]
    assert 'source address=' in rule and 'protocol="tcp" accept' in rule
    # with allowed senders the port open to everyone goes, runtime and permanent, like the plan
    ask = by_name["Ask firewalld whether the listen port is open to every address"]
    close = by_name["Close the listen port to every address but the allowed senders"]
    assert tasks.index(add) < tasks.index(ask) < tasks.index(close)     # senders admitted first
    assert ask["loop"] == [["--permanent"], []] and "'--query-port='" in ask["ansible.builtin.command"]["argv"]
    assert "'--remove-port='" in close["ansible.builtin.command"]["argv"]
    assert "selectattr('rc', 'equalto', 0)" in close["loop"]             # only where it is open
    assert all("auditd_wizard_allowed_senders | length > 0" in t["when"] for t in (ask, close))
    role_vars = tools.load_yaml(exported(SCENARIOS["receiver-el9.2-krb5-port61-zone"][3])
                                / "roles" / "auditd_wizard" / "vars" / "main.yml")
    assert role_vars["auditd_wizard_selinux_ports"] == ["{{ auditd_wizard_listen_port }}"]
    group = tools.load_yaml(exported(SCENARIOS["receiver-el9.2-krb5-port61-zone"][3])
                            / "group_vars" / "audit_receivers.yml")
    assert group["auditd_wizard_listen_port"] == 61
    assert group["auditd_wizard_allowed_senders"] == ["192.0.2.7", "2001:db8::7"]
    assert group["auditd_wizard_firewall_zone"] == "internal"


def test_rsyslog_semanage_firewall_and_handler_shapes(tools, exported):
    playbook = exported(RSYSLOG_SCENARIOS["receiver-el10-gtls-broken-allowed-senders"][3])
    tasks, handlers = _tasks(tools, playbook)
    by_name = {t["name"]: t for t in tasks}
    label = by_name["Label the rsyslog port for rsyslogd"]
    argv = label["ansible.builtin.command"]["argv"]
    assert argv[:2] == ["semanage", "port"] and "'-m' if" in argv[2] and "else '-a'" in argv[2]
    assert argv[3:] == ["-t", "{{ auditd_wizard_rsyslog_port_type }}", "-p", "tcp", "{{ auditd_wizard_rsyslog_port }}"]
    assert "not in auditd_wizard_rsyslog_port_types" in label["when"] and label["changed_when"] is True
    listings = by_name["List the SELinux port labels"]
    assert listings["loop"] == [["-l"], ["-l", "-C"]] and listings["changed_when"] is False
    assert "Open the listen port in firewalld" in by_name
    copy = by_name["Write the rsyslog drop-ins"]
    assert copy["notify"] == "Restart rsyslog" and "omit if item.stat.exists" in copy["ansible.builtin.copy"]["mode"]
    role_vars = tools.load_yaml(playbook / "roles" / "auditd_wizard" / "vars" / "main.yml")
    assert role_vars["auditd_wizard_rsyslog_port_type"] == "syslog_tls_port_t"
    assert role_vars["auditd_wizard_firewall_port"] == "{{ auditd_wizard_rsyslog_port }}"
    assert "auditd_wizard_whole_files" not in role_vars     # the drop-in is written once
    group = tools.load_yaml(playbook / "group_vars" / "audit_receivers.yml")
    assert group["auditd_wizard_rsyslog_port"] == 6514 and group["auditd_wizard_allowed_senders"] == ["192.0.2.7"]
    assert group["auditd_wizard_tls_peer_names"] == RECEIVER_PEERS["peer_names"]
    assert "auditd_wizard_listen_port" not in group      # auditd does not listen on this receiver
    plain = tools.load_yaml(exported(LINTED["rsyslog-receiver-plain"]) / "roles" / "auditd_wizard" / "vars" / "main.yml")
    assert plain["auditd_wizard_rsyslog_port_type"] == "syslogd_port_t"


@pytest.mark.parametrize("role", ["sender", "receiver"])
@pytest.mark.parametrize("security", [{"encryption": "none"}, {"encryption": "tls", "tls_driver": "gtls"},
                                      {"encryption": "tls", "tls_driver": "ossl"}])
def test_rsyslog_dropin_takes_the_per_host_values_from_variables(role, security):
    from wizard.plan.methods import rsyslog_dropins
    from wizard.export import rsyslog_tasks
    data = parse_answers(answers(role, method="rsyslog", security=dict(security, **RECEIVER_PEERS)))
    name, template = rsyslog_tasks.dropin_template(data)
    planned = (rsyslog_dropins.sender_dropin(data, imjournal=True) if role == "sender"
               else rsyslog_dropins.receiver_dropin(data))     # EL's rsyslog.conf loads imjournal
    assert "{{ auditd_wizard_rsyslog_port }}" in template and "@@" not in template
    assert ("{{ auditd_wizard_remote_server }}" in template) == (role == "sender")
    tls = security["encryption"] == "tls"
    for variable in ("tls_ca_file", "tls_cert_file", "tls_key_file", "tls_peer_names"):
        assert ("auditd_wizard_%s" % variable in template) == tls
    # the text around the variables is the planner's, line for line
    assert len(template.splitlines()) == len(planned.splitlines())
    for mine, theirs in zip(template.splitlines(), planned.splitlines()):
        assert mine == theirs or "{{" in mine


# ------------------------------------------------------------------ the line rules (no ansible)
_LINE = st.text(alphabet=" \t#=abcdAB_0\r", max_size=14)


@settings(max_examples=400, deadline=None)
@given(line=_LINE, key=st.sampled_from(["ab", "a_b", "ab0"]))
def test_playbook_regexps_pick_the_lines_wizard_conf_picks(line, key):
    """The lineinfile regexps see active and template lines exactly as wizard/conf.py does."""
    active_key = conf._active_key(line)
    assert bool(re.search(file_tasks.ANY_ACTIVE, line)) == (active_key is not None)
    assert bool(re.search(file_tasks.active_regexp(key), line)) == ((active_key or "").lower() == key)
    template = conf._TEMPLATE.match(line)
    is_template = bool(template) and template.group(1).lower() == key
    assert bool(re.search(file_tasks.template_regexp(key), line)) == is_template
    found = re.findall(file_tasks.ACTIVE_KEYS, line + "\n")
    assert [k.lower() for k in found] == ([active_key.lower()] if active_key is not None else [])


# ------------------------------------------------------------------ the command line
def test_cli_export_writes_a_playbook_and_refuses_a_used_directory(tmp_path, capsys):
    (tmp_path / "s.toml").write_text(answers())
    out = tmp_path / "out"
    assert main(["export", "ansible", "--answers", str(tmp_path / "s.toml"), "-o", str(out)]) == 0
    assert {"site.yml", "answers.toml", "inventory.example.ini", "README.md"} <= {p.name for p in out.iterdir()}
    assert parse_answers((out / "answers.toml").read_text()) == parse_answers(answers())
    assert main(["export", "ansible", "--answers", str(tmp_path / "s.toml"), "-o", str(out)]) == 2
    assert "not an empty directory" in capsys.readouterr().err


def test_cli_export_names_the_bad_answer(tmp_path, capsys):
    (tmp_path / "bad.toml").write_text('role = "sender"\n[remote]\nport = 70000\n')
    assert main(["export", "ansible", "--answers", str(tmp_path / "bad.toml"), "-o", str(tmp_path / "o")]) == 2
    assert "remote.port" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_session_exports_current_and_past_answers(tmp_path):
    from wizard.sandbox import make_demo_root
    from wizard.session import Session
    root = make_demo_root(tmp_path / "root")
    (tmp_path / "s.toml").write_text(answers())
    session = Session.open(str(root), str(tmp_path / "s.toml"))
    result = session.apply()
    past = session.transaction(result.tx_id).meta["answers"]
    session.set_field("remote.server", "other.example.com")
    now = session.export_ansible(tmp_path / "now")
    then = session.export_ansible(tmp_path / "then", past)
    assert "other.example.com" in (tmp_path / "now" / "group_vars" / "audit_senders.yml").read_text()
    assert "logs.example.com" in (tmp_path / "then" / "group_vars" / "audit_senders.yml").read_text()
    assert len(now) == len(then) >= 8


def test_export_refuses_the_lab_ca_in_one_line(tmp_path, capsys):
    (tmp_path / "r.toml").write_text(rsyslog("receiver", security=dict(RECEIVER_PEERS, lab_certificates=True)))
    assert main(["export", "ansible", "--answers", str(tmp_path / "r.toml"), "-o", str(tmp_path / "o")]) == 2
    error = capsys.readouterr().err.strip()
    assert "lab_certificates" in error and "make the certificates first" in error
    assert "\n" not in error and "Traceback" not in error
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())
