"""Step 5: SELinux port label and firewall opening."""
from __future__ import annotations

from screens.forms import FieldSpec, both, receiver
from screens.step_base import StepPane


def firewalld(s) -> bool:
    return s.facts.firewalld_running


def firewall_managed(s) -> bool:
    return s.facts.firewalld_running and s.answers.firewall.manage


class SELinuxFirewallPane(StepPane):
    STEP = 5
    EXPLANATION = ("SELinux lets audit talk on ports labelled audit_port_t (only tcp/60 by "
                   "default), rsyslog on syslog ports. The receiver's firewall must accept the "
                   "senders' connections: allowed senders (addresses or networks, comma "
                   "separated) limit who gets through.")
    FIELDS = (
        FieldSpec("selinux.manage", "Label port (SELinux)",
                  visible=lambda s: s.selinux_label_wanted()),
        FieldSpec("firewall.manage", "Open port (firewall)", visible=both(receiver, firewalld)),
        FieldSpec("firewall.zone", "Firewall zone", visible=both(receiver, firewall_managed)),
        FieldSpec("receiver.allowed_senders", "Allowed senders",
                  visible=both(receiver, firewall_managed)),
    )
    GUIDE_NOTE = ("the guide runs `setsebool -P auditd_network_connect 1`: no such boolean "
                  "exists. Port 60 needs nothing; another port is labelled with `semanage "
                  "port -a -t audit_port_t`. It also opens the port on the sender: outgoing "
                  "traffic is not blocked; the receiver is the one that must accept.")
    # The boolean and audit_port_t are audisp-remote's; rsyslogd runs as syslogd_t.
    GUIDE_BY_METHOD = {
        "rsyslog": ("`semanage port -a -t syslogd_port_t -p tcp 514` fails: tcp/514 already "
                    "has a type (rsh_port_t) that rsyslogd may use as it is, like 6514 "
                    "(syslog_tls_port_t). The wizard labels only a port rsyslogd cannot use "
                    "yet (syslogd_port_t, or syslog_tls_port_t with TLS). Guides also open the "
                    "port on the sender: outgoing traffic is not blocked; the receiver is the "
                    "one that must accept."),
    }
