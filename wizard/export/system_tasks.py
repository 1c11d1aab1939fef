"""The playbook's packages, SELinux port labels, firewalld rules, auditd service and the
restart handler. Commands are argv lists; each one that changes something runs only after a
read-only query said it is needed, so a second run changes nothing."""
from __future__ import annotations

from typing import Dict, List

from backends.changes import FirewallRules, RunCommand, SELinuxPort, ServiceState
from wizard.export.recording import ExportPlan
from wizard.export.yaml_text import Noted, dump
from wizard.model import Answers

MANAGED = "auditd_wizard_manage_system"
PORT_LABEL_LINE = r"^\S+\s+tcp\s"


def selinux_ports(answers: Answers, plan: ExportPlan) -> List[object]:
    """The ports to label audit_port_t. The main port is always listed (as its variable): a
    host whose port is 60 finds it labelled by policy and changes nothing."""
    main = "auditd_wizard_remote_port" if answers.role == "sender" else "auditd_wizard_listen_port"
    ports: List[object] = ["{{ %s }}" % main]
    main_value = answers.remote.port if answers.role == "sender" else answers.receiver.listen_port
    for change in plan.commands:
        if isinstance(change, SELinuxPort) and change.port != main_value:
            ports.append(change.port)
    return ports


def wants_firewall(plan: ExportPlan) -> bool:
    return any(isinstance(c, FirewallRules) for c in plan.commands)


def wants_service(plan: ExportPlan, name: str = "auditd") -> bool:
    return any(isinstance(c, ServiceState) and c.name == name for c in plan.commands)


def reloads_units(change) -> bool:
    """`systemctl daemon-reload` after the auditd.service drop-in: the handlers do it."""
    return isinstance(change, RunCommand) and change.argv == ["systemctl", "daemon-reload"]


def check_covered(plan: ExportPlan) -> None:
    """Refuse rather than export a playbook that silently leaves out a change the wizard makes."""
    from wizard.export import ExportError
    for change in plan.commands:
        covered = isinstance(change, (SELinuxPort, FirewallRules)) or (
            isinstance(change, ServiceState) and change.name in ("auditd", "rsyslog")) or \
            reloads_units(change)
        if not covered:
            raise ExportError(f"the Ansible export cannot write this change yet: {change.describe()}; "
                              "apply these answers with auditd-wizard on each host")


def _when(*conditions: str) -> str:
    return " and ".join((MANAGED + " | bool",) + conditions)


def package_tasks(plan: ExportPlan) -> List[Dict[str, object]]:
    if not plan.packages:
        return []
    return [{"name": "Install the audit packages",
             "ansible.builtin.dnf": {"name": "{{ auditd_wizard_packages }}", "state": "present"},
             "when": _when()}]


def getenforce_task() -> Dict[str, object]:
    """Registers auditd_wizard_getenforce, which the SELinux tasks of both methods test."""
    return {"name": "Ask whether SELinux is enabled",
            "ansible.builtin.command": {"argv": ["getenforce"]},
            "register": "auditd_wizard_getenforce",
            "changed_when": False, "check_mode": False,
            "when": _when("auditd_wizard_manage_selinux | bool")}


def selinux_tasks() -> List[Dict[str, object]]:
    labelled = ("auditd_wizard_port_labels.stdout_lines | select('match', auditd_wizard_port_label_line)"
                " | select('search', '[ ,]' ~ item ~ '(,|$)')")
    return [
        getenforce_task(),
        {"name": "List the SELinux port labels",
         "ansible.builtin.command": {"argv": ["semanage", "port", "-l"]},
         "register": "auditd_wizard_port_labels",
         "changed_when": False, "check_mode": False,
         "when": _when("auditd_wizard_manage_selinux | bool", "auditd_wizard_getenforce.stdout != 'Disabled'")},
        # No boolean exists for this (seed-errors #10): audisp-remote and auditd may only use
        # audit_port_t. -m when another type already names the port exactly, else -a.
        {"name": "Label the audit port audit_port_t",
         "ansible.builtin.command": {"argv": [
             "semanage", "port", "{{ '-m' if (%s | list) else '-a' }}" % labelled,
             "-t", "audit_port_t", "-p", "tcp", "{{ item }}"]},
         "loop": "{{ auditd_wizard_selinux_ports }}",
         "changed_when": True,
         "when": _when("auditd_wizard_manage_selinux | bool", "auditd_wizard_getenforce.stdout != 'Disabled'",
                       "not (%s | select('match', '^audit_port_t\\s') | list)" % labelled)},
    ]


_RULE_VALUE = ("{{ (auditd_wizard_firewall_port | string) ~ '/tcp' if auditd_wizard_rule.0 == 'port' else "
               "'rule family=\"' ~ ('ipv6' if ':' in auditd_wizard_rule.1 else 'ipv4') ~ '\" source address=\"' ~ auditd_wizard_rule.1"
               " ~ '\" port port=\"' ~ auditd_wizard_firewall_port ~ '\" protocol=\"tcp\" accept' }}")


def _firewall_argv(action: str, rule: str) -> str:
    return ("{{ ['firewall-cmd'] + %s.1 + ['--zone=' ~ auditd_wizard_zone_in_use, "
            "'--%s-' ~ %s.0.0 ~ '=' ~ auditd_wizard_rule_value] }}" % (rule, action, rule))


def _open_port_argv(action: str, flags: str) -> str:
    return ("{{ ['firewall-cmd'] + %s + ['--zone=' ~ auditd_wizard_zone_in_use, '--%s-port=' ~ "
            "(auditd_wizard_firewall_port | string) ~ '/tcp'] }}" % (flags, action))


def firewall_tasks() -> List[Dict[str, object]]:
    running = "auditd_wizard_firewalld.rc == 0"
    return [
        {"name": "Ask whether firewalld is running",
         "ansible.builtin.command": {"argv": ["firewall-cmd", "--state"]},
         "register": "auditd_wizard_firewalld",
         "changed_when": False, "failed_when": "auditd_wizard_firewalld.rc not in [0, 252]",
         "check_mode": False,
         "when": _when("auditd_wizard_manage_firewall | bool")},
        {"name": "Ask firewalld for its default zone",
         "ansible.builtin.command": {"argv": ["firewall-cmd", "--get-default-zone"]},
         "register": "auditd_wizard_default_zone",
         "changed_when": False, "check_mode": False,
         "when": _when("auditd_wizard_manage_firewall | bool", running)},
        {"name": "Ask firewalld which rules for the listen port are in place",
         "ansible.builtin.command": {"argv": _firewall_argv("query", "item")},
         "vars": {"auditd_wizard_rule": "{{ item.0 }}", "auditd_wizard_rule_value": _RULE_VALUE},
         "loop": "{{ auditd_wizard_firewall_rules | product([['--permanent'], []]) | list }}",
         "register": "auditd_wizard_firewall_query",
         "changed_when": False, "failed_when": "auditd_wizard_firewall_query.rc not in [0, 1]",
         "check_mode": False,
         "when": _when("auditd_wizard_manage_firewall | bool", running)},
        # seed-errors #11: the receiver opens its port, permanent and runtime both.
        {"name": "Open the listen port in firewalld",
         "ansible.builtin.command": {"argv": _firewall_argv("add", "item.item")},
         "vars": {"auditd_wizard_rule": "{{ item.item.0 }}", "auditd_wizard_rule_value": _RULE_VALUE},
         "loop": "{{ auditd_wizard_firewall_query.results | default([]) | selectattr('rc', 'defined')"
                 " | rejectattr('rc', 'equalto', 0) | list }}",
         "loop_control": {"label": "{{ item.item.1 | join(' ') }} {{ item.item.0 | join(' ') }}"},
         "changed_when": True,
         "when": _when("auditd_wizard_manage_firewall | bool", running)},
        # With allowed senders the port must not stay open to everyone (as the wizard's plan):
        # the rich rules above admit the senders first, then the open port goes.
        {"name": "Ask firewalld whether the listen port is open to every address",
         "ansible.builtin.command": {"argv": _open_port_argv("query", "item")},
         "loop": [["--permanent"], []],
         "register": "auditd_wizard_open_port_query",
         "changed_when": False, "failed_when": "auditd_wizard_open_port_query.rc not in [0, 1]",
         "check_mode": False,
         "when": _when("auditd_wizard_manage_firewall | bool", running,
                       "auditd_wizard_allowed_senders | length > 0")},
        {"name": "Close the listen port to every address but the allowed senders",
         "ansible.builtin.command": {"argv": _open_port_argv("remove", "item.item")},
         "loop": "{{ auditd_wizard_open_port_query.results | default([]) | selectattr('rc', 'defined')"
                 " | selectattr('rc', 'equalto', 0) | list }}",
         "loop_control": {"label": "{{ item.item | join(' ') }} remove-port"},
         "changed_when": True,
         "when": _when("auditd_wizard_manage_firewall | bool", running,
                       "auditd_wizard_allowed_senders | length > 0")},
    ]


def service_tasks() -> List[Dict[str, object]]:
    # `systemctl start` and enable are fine; only stop/restart are refused for auditd.
    return [{"name": "Enable and start auditd",
             "ansible.builtin.systemd_service": {"name": "auditd", "enabled": True, "state": "started"},
             "when": _when()}]


def handler_tasks(reload_units: bool = False) -> str:
    """seed-errors #2: never `systemctl restart auditd` (RefuseManualStop=yes), and a reload
    does not make audisp-remote reread its file. `service auditd restart`; without `service`
    (EL10 minimal) `auditctl --signal TERM` (what `stop` means since 3.1.1, and understood by
    3.0.x too), wait for auditd to exit, then start it through systemd."""
    topic = "Restart auditd"
    handlers: List[Dict[str, object]] = [
        # the auditd.service drop-in (journald's per-unit log limit) is read before the restart
        {"name": "Make systemd read the auditd.service drop-in",
         "ansible.builtin.systemd_service": {"daemon_reload": True},
         "when": _when(), "listen": topic}] if reload_units else []
    handlers += [
        {"name": "Look for the service command",
         "ansible.builtin.stat": {"path": "/usr/sbin/service"},
         "register": "auditd_wizard_service_command",
         "when": _when(), "listen": topic},
        {"name": Noted("Restart auditd with service", "noqa: command-instead-of-module"),
         "ansible.builtin.command": {"argv": ["service", "auditd", "restart"]},
         "changed_when": True,
         "when": _when("auditd_wizard_service_command.stat.exists"), "listen": topic},
        {"name": "Stop auditd by signal (this host has no service command)",
         "ansible.builtin.command": {"argv": ["auditctl", "--signal", "TERM"]},
         "changed_when": True,
         "when": _when("not auditd_wizard_service_command.stat.exists"), "listen": topic},
        {"name": "Wait for auditd to exit",
         "ansible.builtin.wait_for": {"path": "/run/auditd.pid", "state": "absent", "timeout": 30},
         "when": _when("not auditd_wizard_service_command.stat.exists"), "listen": topic},
        {"name": "Start auditd again",
         "ansible.builtin.systemd_service": {"name": "auditd", "state": "started"},
         "when": _when("not auditd_wizard_service_command.stat.exists"), "listen": topic},
    ]
    return dump(handlers, (handler_tasks.__doc__ or "").replace("\n    ", "\n"))
