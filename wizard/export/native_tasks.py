"""The audisp-remote method's part of the playbook, the same shape as rsyslog_tasks: the audit
files are edited key by key for every method (file_tasks.py), so what is its own is the SELinux
label of its ports (system_tasks.selinux_tasks); it has no drop-ins or handlers, and refuses
only rsyslog's access-logging drop-in."""
from __future__ import annotations

from typing import Dict, List, Optional

from wizard.export import system_tasks
from wizard.export.recording import ExportPlan
from wizard.model import Answers

PORT_VARIABLE = "auditd_wizard_listen_port"
README = ""


def refusal(answers: Answers) -> Optional[str]:
    """No rsyslog tasks (nor rsyslog's restart handler) in this method's playbook."""
    if answers.rsyslog.log_remote_access:
        return ("rsyslog.log_remote_access: the Ansible export writes rsyslog drop-ins only for "
                "method = \"rsyslog\"; set log_remote_access = false to export these answers")
    return None


def dropin_paths(layout) -> tuple:
    return ()


def role_vars(answers: Answers, plan: ExportPlan, layout) -> Dict[str, object]:
    if not answers.selinux.manage:
        return {}
    return {"auditd_wizard_selinux_ports": system_tasks.selinux_ports(answers, plan)}


def file_tasks(answers: Answers) -> List[Dict[str, object]]:
    return []


def selinux_tasks() -> List[Dict[str, object]]:
    return system_tasks.selinux_tasks()


def handler_text(auditd_handlers: str) -> str:
    return auditd_handlers
