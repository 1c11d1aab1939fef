"""Step 5: SELinux port label and firewall opening."""
from __future__ import annotations

from screens.forms import FieldSpec
from screens.step_base import StepPane


class SELinuxFirewallPane(StepPane):
    STEP = 5
    EXPLANATION = ("SELinux lets audit talk on ports labelled audit_port_t (only tcp/60 by "
                   "default). The receiver's firewall must accept the senders' connections.")
    FIELDS = (
        FieldSpec("selinux.manage", "Label port (SELinux)"),
        FieldSpec("firewall.manage", "Open port (firewalld)",
                  visible=lambda a: a.role == "receiver"),
        FieldSpec("firewall.zone", "Firewall zone", visible=lambda a: a.role == "receiver"),
    )
    GUIDE_NOTE = ("the guide runs `setsebool -P auditd_network_connect 1`: no such boolean "
                  "exists. Port 60 needs nothing; another port is labelled with `semanage "
                  "port -a -t audit_port_t`. It also opens the port on the sender: outgoing "
                  "traffic is not blocked; the receiver is the one that must accept.")
