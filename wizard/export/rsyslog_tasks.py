"""The rsyslog method's part of the playbook: the wizard's drop-ins under /etc/rsyslog.d
(written whole, as the wizard writes them), the TLS key's mode, the SELinux port type for
rsyslogd, rsyslog started, and a handler that restarts rsyslog when a drop-in changed.

The drop-in text is the planner's own (wizard.plan.methods.rsyslog_dropins), with the per-host values (the
target server and port, the permitted peers, the certificate paths) turned into variables:
the planner renders the text once with marker values, the markers become Jinja expressions,
and the export checks that putting the answers' values back gives the planner's text exactly.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from wizard import tls
from wizard.export.system_tasks import _when, getenforce_task
from wizard.export.yaml_text import dump
from wizard.model import Answers
from wizard.plan.methods import rsyslog_dropins
from wizard.plan.methods.rsyslog import rsyslog_port_types

PORT_VARIABLE = "auditd_wizard_rsyslog_port"
README = ("The rsyslog method: the wizard's drop-in under /etc/rsyslog.d is written whole (its\n"
          "target, port, permitted peers and certificate paths come from the variables), rsyslogd's\n"
          "port gets an SELinux syslog port type, and rsyslog is restarted when the drop-in changed\n"
          "(`systemctl restart rsyslog` is fine for rsyslog). The certificates must be in place.\n"
          "It is made for EL's stock rsyslog.conf, which loads imjournal before it includes\n"
          "/etc/rsyslog.d: on a sender the drop-in lifts imjournal's rate limit there (and an\n"
          "auditd.service drop-in lifts journald's on EL9+). On a host whose rsyslog.conf differs,\n"
          "plan with the wizard itself, which reads the whole rsyslog configuration.\n\n")
DROPIN_DIR_VARIABLE = "auditd_wizard_rsyslog_dropin_dir"

# Markers the planner's text is rendered with; none can occur in a drop-in otherwise.
_SERVER, _PEERS = "@@auditd-wizard-server@@", "@@auditd-wizard-peers@@"
_CA, _CERT, _KEY = "@@auditd-wizard-ca@@", "@@auditd-wizard-cert@@", "@@auditd-wizard-key@@"
_PORT = 48213   # an int (the planner formats it with %d); a clash is caught by the check below


def wanted_port_type(answers: Answers) -> str:
    return "syslog_tls_port_t" if answers.security.encryption == "tls" else "syslogd_port_t"


def _marked(answers: Answers) -> Answers:
    security = answers.security.model_copy(update={
        "peer_names": [_PEERS], "ca_file": _CA, "cert_file": _CERT, "key_file": _KEY})
    return answers.model_copy(update={
        "remote": answers.remote.model_copy(update={"server": _SERVER}),
        "rsyslog": answers.rsyslog.model_copy(update={"port": _PORT}),
        "security": security})


def _substitutions(answers: Answers) -> List[Tuple[str, str, str]]:
    """(marker, Jinja expression, the answers' value) for every per-host value."""
    s, sender = answers.security, answers.role == "sender"
    if sender:
        peers = ("{{ (auditd_wizard_tls_peer_names or [auditd_wizard_remote_server]) | join(',') }}",
                 ",".join(rsyslog_dropins.sender_peer_names(answers)))
    else:   # the planner quotes each name: PermittedPeer=["a", "b"]
        peers = ("{{ auditd_wizard_tls_peer_names | join('\", \"') }}", '", "'.join(s.peer_names))
    return [("\"%d\"" % _PORT, "\"{{ %s }}\"" % PORT_VARIABLE, "\"%d\"" % answers.rsyslog.port),
            (":%d " % _PORT, ":{{ %s }} " % PORT_VARIABLE, ":%d " % answers.rsyslog.port),
            ("port %d" % _PORT, "port {{ %s }}" % PORT_VARIABLE, "port %d" % answers.rsyslog.port),
            (_SERVER, "{{ auditd_wizard_remote_server }}", answers.remote.server or ""),
            (_PEERS, peers[0], peers[1]),
            (_CA, "{{ auditd_wizard_tls_ca_file }}", s.ca_file),
            (_CERT, "{{ auditd_wizard_tls_cert_file }}", s.cert_file),
            (_KEY, "{{ auditd_wizard_tls_key_file }}", s.key_file)]


def dropin_template(answers: Answers) -> Tuple[str, str]:
    """(file name, text with Jinja for the per-host values). Falls back to the planner's text
    as it is when the markers cannot be placed exactly."""
    sender = answers.role == "sender"
    # EL's rsyslog.conf loads imjournal before it includes /etc/rsyslog.d (see the README)
    render = (lambda a: rsyslog_dropins.sender_dropin(a, imjournal=True)) if sender \
        else rsyslog_dropins.receiver_dropin
    name = rsyslog_dropins.SENDER_DROPIN if sender else rsyslog_dropins.RECEIVER_DROPIN
    wanted = render(answers)
    try:
        marked = render(_marked(answers))
    except (TypeError, ValueError):
        marked = None
    if marked is not None and not any(t in marked for t in ("{{", "{%", "{#")):
        template, check = marked, marked
        for marker, jinja, value in _substitutions(answers):
            template, check = template.replace(marker, jinja), check.replace(marker, value)
        if check == wanted and "@@auditd-wizard" not in check:
            return name, template
    if any(t in wanted for t in ("{{", "{%", "{#")):
        return name, "{% raw %}" + wanted + "{% endraw %}"
    return name, wanted


def tls_variables(answers: Answers) -> Dict[str, object]:
    s = answers.security
    return {"auditd_wizard_tls_peer_names": list(s.peer_names),
            "auditd_wizard_tls_ca_file": s.ca_file,
            "auditd_wizard_tls_cert_file": s.cert_file,
            "auditd_wizard_tls_key_file": s.key_file}


def dropin_paths(layout) -> List[str]:
    """Written by the tasks below, not with the files written whole (the access-logging one
    too: it must restart rsyslog, not auditd)."""
    return rsyslog_dropins.dropin_paths(layout) + [rsyslog_dropins.access_path(layout)]


def role_vars(answers: Answers, plan, layout) -> Dict[str, object]:
    name, text = dropin_template(answers)
    dropins = [{"path": "%s/%s" % (layout.rsyslog_dropin_dir, name), "content": text}]
    if answers.rsyslog.log_remote_access:   # the same tasks write it and restart rsyslog
        dropins.append({"path": rsyslog_dropins.access_path(layout),
                        "content": rsyslog_dropins.access_dropin()})
    values: Dict[str, object] = {
        DROPIN_DIR_VARIABLE: layout.rsyslog_dropin_dir,
        "auditd_wizard_rsyslog_dropins": dropins,
    }
    if answers.selinux.manage:
        values["auditd_wizard_rsyslog_port_type"] = wanted_port_type(answers)
        values["auditd_wizard_rsyslog_port_types"] = list(rsyslog_port_types(answers.role))
    return values


def refusal(answers: Answers) -> Optional[str]:
    """Why the export cannot write these answers, or None."""
    s = answers.security
    if answers.role == "receiver" and s.encryption == "tls" and s.lab_certificates:
        return ("security.lab_certificates: the Ansible export does not make the lab CA (openssl "
                "commands); make the certificates first, or set lab_certificates = false")
    return None


def file_tasks(answers: Answers) -> List[Dict[str, object]]:
    """The drop-ins, and the TLS key's mode when TLS is on."""
    return _dropin_tasks() + (key_tasks() if answers.security.encryption == "tls" else [])


def _dropin_tasks() -> List[Dict[str, object]]:
    # The wizard keeps an existing file's mode and owner, and makes a new one 0644 root:root
    # (a missing directory 0755), so mode and owner are given only for what is not there yet.
    directory = "{{ auditd_wizard_prefix }}{{ %s }}" % DROPIN_DIR_VARIABLE
    kept = "omit if item.stat.exists else "
    return [
        {"name": "Look for the rsyslog drop-in directory",
         "ansible.builtin.stat": {"path": directory},
         "register": "auditd_wizard_dropin_dir_stat"},
        {"name": "Make the rsyslog drop-in directory",
         "ansible.builtin.file": {"path": directory, "state": "directory", "mode": "0755",
                                  "owner": "root", "group": "root"},
         "when": "not auditd_wizard_dropin_dir_stat.stat.exists"},
        {"name": "Look for the rsyslog drop-ins",
         "ansible.builtin.stat": {"path": "{{ auditd_wizard_prefix }}{{ item.path }}"},
         "loop": "{{ auditd_wizard_rsyslog_dropins }}",
         "loop_control": {"label": "{{ item.path }}"},
         "register": "auditd_wizard_dropin_stats"},
        {"name": "Write the rsyslog drop-ins",
         "ansible.builtin.copy": {
             "dest": "{{ auditd_wizard_prefix }}{{ item.item.path }}", "content": "{{ item.item.content }}",
             "mode": "{{ %s'0644' }}" % kept, "owner": "{{ %s'root' }}" % kept,
             "group": "{{ %s'root' }}" % kept},
         "loop": "{{ auditd_wizard_dropin_stats.results }}",
         "loop_control": {"label": "{{ item.item.path }}"},
         "notify": "Restart rsyslog"},
    ]


def key_tasks() -> List[Dict[str, object]]:
    """wizard.tls.key_fix: an existing private key becomes root-owned, mode 0600 (0400 kept)."""
    modes = ["0%o" % m for m in tls.KEY_MODES]
    return [
        {"name": "Look at the TLS private key",
         "ansible.builtin.stat": {"path": "{{ auditd_wizard_prefix }}{{ auditd_wizard_tls_key_file }}"},
         "register": "auditd_wizard_key_stat"},
        {"name": "Make the TLS private key root-only",
         "ansible.builtin.file": {
             "path": "{{ auditd_wizard_prefix }}{{ auditd_wizard_tls_key_file }}",
             "mode": "{{ auditd_wizard_key_stat.stat.mode if auditd_wizard_key_stat.stat.mode in %s"
                     " else '0600' }}" % modes,
             "owner": "root", "group": "root"},
         "when": "auditd_wizard_key_stat.stat.exists and (auditd_wizard_key_stat.stat.mode not in %s"
                 " or auditd_wizard_key_stat.stat.uid != 0)" % modes},
    ]


def selinux_tasks() -> List[Dict[str, object]]:
    """As wizard.probe reads it: a port's type is its local (-C) type if it has one, else the
    first type that names it; rsyslogd may use the types of rsyslog_port_types(role). The new
    label is set with -m when some type already names the port, else -a (SELinuxPort)."""
    def naming(register: str) -> str:
        return ("%s.stdout_lines | select('match', auditd_wizard_port_label_line)"
                " | select('search', '[ ,]' ~ %s ~ '(,|$)')"
                " | map('regex_replace', '\\s.*$', '') | list" % (register, PORT_VARIABLE))
    enabled = "auditd_wizard_getenforce.stdout != 'Disabled'"
    return [
        getenforce_task(),
        {"name": "List the SELinux port labels",
         "ansible.builtin.command": {"argv": "{{ ['semanage', 'port'] + item }}"},
         "loop": [["-l"], ["-l", "-C"]],
         "register": "auditd_wizard_port_listings",
         "changed_when": False, "check_mode": False,
         "when": _when("auditd_wizard_manage_selinux | bool", enabled)},
        {"name": "Label the rsyslog port for rsyslogd",
         "ansible.builtin.command": {"argv": [
             "semanage", "port", "{{ '-m' if auditd_wizard_port_named else '-a' }}",
             "-t", "{{ auditd_wizard_rsyslog_port_type }}", "-p", "tcp", "{{ %s }}" % PORT_VARIABLE]},
         "vars": {
             "auditd_wizard_port_named": "{{ %s }}" % naming("auditd_wizard_port_listings.results.0"),
             "auditd_wizard_port_local": "{{ %s }}" % naming("auditd_wizard_port_listings.results.1")},
         "changed_when": True,
         "when": _when("auditd_wizard_manage_selinux | bool", enabled,
                       "(auditd_wizard_port_local + auditd_wizard_port_named) | first | default('')"
                       " not in auditd_wizard_rsyslog_port_types")},
    ]


def service_tasks() -> List[Dict[str, object]]:
    return [{"name": "Enable and start rsyslog",
             "ansible.builtin.systemd_service": {"name": "rsyslog", "enabled": True, "state": "started"},
             "when": _when()}]


def handlers() -> List[Dict[str, object]]:
    # Only auditd refuses `systemctl restart`; rsyslog rereads its drop-ins on a restart.
    return [{"name": "Restart rsyslog",
             "ansible.builtin.systemd_service": {"name": "rsyslog", "state": "restarted"},
             "when": _when()}]


def handler_text(native_handlers: str) -> str:
    """The auditd handlers file with the rsyslog handler added."""
    return native_handlers.rstrip("\n") + "\n" + dump(handlers()).split("---\n", 1)[1]
