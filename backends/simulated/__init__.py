"""The sandbox's pretend AlmaLinux: a Runner that emulates dnf, rpm, systemctl, service,
auditctl, SELinux and firewalld commands against <root>/.sandbox/state.json."""
from backends.simulated.failures import ENV_VAR as FAIL_ENV_VAR
from backends.simulated.runner import SimulatedRunner
from backends.simulated.state import STATE_RELPATH, is_sandbox_root, load_state, save_state

__all__ = ["SimulatedRunner", "STATE_RELPATH", "FAIL_ENV_VAR", "is_sandbox_root",
           "load_state", "save_state"]
