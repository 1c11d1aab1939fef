"""The answers: everything the wizard needs to know to configure one host.

The section and key names are those of the TOML answers file (issue #2). Every string that
ends up in a configuration file is checked here so the planner never has to: no spaces,
newlines, '#', non-printable characters, and short enough for audit's line buffers.

validate_answers() and field_error() turn pydantic's errors into one line per problem,
always starting with the dotted field name: `remote.port: 70000 is out of range; allowed: whole numbers 1-65535`.
"""
import os
import re
from dataclasses import dataclass
from typing import (
    Annotated,
    Any,
    Callable,
    Dict,
    List,
    Literal,
    Mapping,
    Optional,
    Tuple,
    Type,
    get_args,
    get_origin,
)

# The wizard uses no pydantic plugins; without this the first model build scans every installed
# distribution's entry points for them (tens of ms at start-up, more in a large environment).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StrictBool,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError, core_schema

from wizard import validators
from wizard.conf import MAX_LINE_BYTES as _LINE_LIMIT
from wizard.validators import show


# ---- reusable annotated types --------------------------------------------------------------
def _fail(reason: str) -> PydanticCustomError:
    # The reason is passed as context, never as the template: user text may contain braces.
    return PydanticCustomError("answers_value", "{reason}", {"reason": reason})


def _rule(check: Callable[[Any], Optional[str]]) -> AfterValidator:
    def run(value: Any) -> Any:
        reason = check(value)
        if reason:
            raise _fail(reason)
        return value
    return AfterValidator(run)


def _fits_line(key: str) -> AfterValidator:
    """The value must fit on one `key = value` line audit can read."""
    def check(value: Any) -> Optional[str]:
        size = len(("%s = %s\n" % (key, value)).encode("utf-8"))
        if size > _LINE_LIMIT:
            return "is too long: `%s = ...` would be %d bytes; audit reads at most %d per line" % (
                key, size, _LINE_LIMIT)
        return None
    return _rule(check)


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _blank_to_none(value: Any) -> Any:
    """TOML has no null: an empty string means "not set"."""
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


def _whole_number(value: Any) -> Any:
    """Ints, or digits typed as text; never booleans or fractions."""
    if isinstance(value, bool) or isinstance(value, float):
        raise PydanticCustomError("answers_int", "must be a whole number")
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"-?[0-9]{1,20}", text):
            raise PydanticCustomError("answers_int", "must be a whole number")
        return int(text)
    return value


def _int_text(value: Any) -> Any:
    """Accept `client_ports = 1024` as well as `"1024"`."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _absolute_path(value: str) -> Optional[str]:
    problem = validators.safe_config_value(value)
    if problem:
        return problem
    if not value.startswith("/"):
        return "%s must be an absolute path (starting with /)" % show(value)
    if "/../" in value + "/" or "/./" in value + "/":
        return "%s must not contain '.' or '..' components" % show(value)
    if value.endswith("/"):
        return "%s must be a file, not a directory" % show(value)
    return None


def _template_text(value: str) -> Optional[str]:
    """A value written into an rsyslog template (template.c do_Constant): '%' starts a property
    a sender fills in (".../%msg%" let senders pick the directory), '\\' an escape."""
    for char, why in (("%", "starts a property that senders fill in"), ("\\", "starts an escape")):
        if char in value:
            return "%s must not contain %r: in an rsyslog template it %s" % (show(value), char, why)
    return None


def _port_range(value: str) -> Optional[str]:
    match = re.fullmatch(r"([0-9]{1,5})(?:-([0-9]{1,5}))?", value)
    if not match:
        return "%s must be a port \"N\" or a range \"N-M\" (like 1024-65535)" % show(value)
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else low
    if not (1 <= low <= 65535 and 1 <= high <= 65535):
        return "%s: ports must be 1-65535" % show(value)
    if low > high:
        return "%s: the first port must not be larger than the second" % show(value)
    return None


def _duration(value: str) -> Optional[str]:
    match = re.fullmatch(r"([0-9]{1,6})([smhd]?)", value.strip())
    if not match or (not match.group(2) and int(match.group(1)) != 0):
        return "%s must be a duration like \"90s\", \"10m\", \"2h\" or \"0\"" % show(value)
    seconds = int(match.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2) or "s"]
    if seconds > 30 * 86400:
        return "%s is longer than 30 days" % show(value)
    return None


def _zone_name(value: str) -> Optional[str]:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}", value):
        return "%s is not a firewalld zone name (letters, digits, '_' and '-', at most 32)" % show(value)
    return None


# Ints; digits typed as text are accepted, booleans and floats are not. The bounds go on the
# inner int (Annotated[Annotated[int, Field(ge=.., le=..)], _WHOLE]) so the JSON schema gets
# minimum/maximum.
_WHOLE = BeforeValidator(_whole_number)


@dataclass(frozen=True)
class _Choice:
    """Metadata for a Literal: input is matched case-insensitively and normalised (upper: to
    capitals). What matches nothing is kept as typed, so the message shows it."""
    upper: bool = False

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        values = get_args(source)
        change_case = _upper if self.upper else _lower

        def normalise(value: Any) -> Any:
            normalised = change_case(value)
            return normalised if normalised in values else value
        return core_schema.no_info_before_validator_function(normalise, handler(source))


Port = Annotated[Annotated[int, Field(ge=1, le=65535)], _WHOLE]
HostOrIp = Annotated[str, _rule(validators.host_or_ip), _fits_line("remote_server")]
Cidr = Annotated[str, _rule(validators.cidr)]
_INT32 = 2147483647  # audit parses these with strtoul into an int-sized field

NameFormat = Annotated[Literal["none", "hostname", "fqd", "numeric", "user"], _Choice()]
LogFormat = Annotated[Literal["RAW", "ENRICHED"], _Choice(upper=True)]
OverflowAction = Annotated[Literal["ignore", "syslog", "suspend", "single", "halt"], _Choice()]
# auditd.conf(5), and "keep": the wizard leaves the key as it found it. `exec` is left out: it
# needs a program path the wizard does not ask for.
DiskFullAction = Annotated[Literal["keep", "ignore", "syslog", "rotate", "suspend", "single",
                                   "halt"], _Choice()]
DiskErrorAction = Annotated[Literal["keep", "ignore", "syslog", "suspend", "single",
                                    "halt"], _Choice()]
ForwardWhat = Annotated[Literal["audit", "all"], _Choice()]
RemoteMode = Annotated[Literal["auto", "immediate", "forward"], _Choice()]
FailureAction = Annotated[Literal["ignore", "syslog", "warn_once", "warn_once_continue", "suspend",
                                  "single", "halt", "stop"], _Choice()]
Encryption = Annotated[Literal["none", "kerberos", "tls"], _Choice()]
Role = Annotated[Literal["sender", "receiver"], _Choice()]
Method = Annotated[Literal["audisp-remote", "rsyslog"], _Choice()]
PeakRate = Annotated[Annotated[int, Field(ge=1, le=1000000)], _WHOLE]
PortOrAny = Annotated[Annotated[int, Field(ge=0, le=65535)], _WHOLE]
Seconds = Annotated[Annotated[int, Field(ge=0, le=_INT32)], _WHOLE]
MaxPerAddr = Annotated[Annotated[int, Field(ge=1, le=1024)], _WHOLE]
ListenQueue = Annotated[Annotated[int, Field(ge=1, le=65535)], _WHOLE]


class _Section(BaseModel):
    # Built when first used (the first answers validated), not when this module is imported:
    # the first frame is drawn before the host is read.
    model_config = ConfigDict(extra="forbid", defer_build=True)


# ---- sections ------------------------------------------------------------------------------
class AuditdSection(_Section):
    """Settings written to auditd.conf."""

    name_format: NameFormat = Field(
        "hostname", description="How auditd labels each event with the node name (node=). "
        "'hostname' lets the receiver tell senders apart and is what the STIGs ask for.")
    name: Annotated[Optional[Annotated[str, _rule(validators.node_name), _fits_line("name")]],
                    BeforeValidator(_blank_to_none)] = Field(
        None, description="The node name used when name_format is 'user'.")
    log_format: LogFormat = Field(
        "ENRICHED", description="RAW writes records as the kernel sends them; ENRICHED adds "
        "resolved uid/gid/syscall names so the receiver can read them without the sender's "
        "account database. The STIGs ask for ENRICHED (RHEL-08-030063, RHEL-09-653100, "
        "RHEL-10-500120).")
    overflow_action: OverflowAction = Field(
        "syslog", description="What auditd does when its internal dispatcher queue is full.")
    disk_full_action: DiskFullAction = Field(
        "keep", description="What auditd does when the disk holding its log is full "
        "(disk_full_action). 'keep' leaves auditd.conf's value as the wizard found it (SUSPEND "
        "on a stock install: auditd stops writing). The RHEL 8 and 9 STIGs (RHEL-08-030060, "
        "RHEL-09-653025) want syslog, single or halt.")
    disk_error_action: DiskErrorAction = Field(
        "keep", description="What auditd does when writing its log fails (disk_error_action). "
        "'keep' leaves auditd.conf's value as the wizard found it (SUSPEND on a stock install). "
        "The RHEL 8 and 9 STIGs (RHEL-08-030040, RHEL-09-653020) want syslog, single or halt.")

    @model_validator(mode="after")
    def _name_for_user_format(self) -> "AuditdSection":
        problems = _auditd_problems(self.name_format, self.name)
        if problems:
            raise _cross(problems)
        return self


class RemoteSection(_Section):
    """Settings written to audisp-remote.conf on a sender."""

    server: Annotated[Optional[HostOrIp], BeforeValidator(_blank_to_none)] = Field(
        None, description="Host name or IP address of the receiver (remote_server). "
        "Required when role is 'sender'.")
    port: Port = Field(60, description="TCP port the receiver listens on (60 is the only port "
                       "SELinux labels audit_port_t by default).")
    mode: RemoteMode = Field(
        "auto", description="Where audisp-remote keeps records the receiver has not taken yet: "
        "'forward' in queue_file on disk (kept across a restart of auditd or of this host), "
        "'immediate' in memory only; 'auto' = forward when an outage is to be ridden out.")
    outage: Annotated[str, _rule(_duration)] = Field(
        "10m", description="The receiver outage this sender must ride out without losing "
        "records (\"90s\", \"10m\", \"2h\"; \"0\" = none); the queues are sized from it "
        "and the peak rate.")
    peak_rate: Annotated[Optional[PeakRate], BeforeValidator(_blank_to_none)] = Field(
        None, description="Peak audit records a second this host produces; not set = from its "
        "audit log (twice the busiest minute in it).")
    network_failure_action: FailureAction = Field(
        "syslog", description="What to do when the connection to the receiver fails. "
        "The upstream default 'stop' ends audisp-remote; auditd starts it again with the next "
        "event, at most max_restarts (10) times, then forwarding stays off until auditd restarts.")
    local_port: PortOrAny = Field(
        0, description="Source port for the connection; 0 lets the kernel choose. A port "
        "outside the kernel's ephemeral range (32768-60999) is labelled audit_port_t: SELinux "
        "checks binding to it.")
    heartbeat_timeout: Seconds = Field(
        30, description="Seconds without records after which audisp-remote sends a heartbeat, "
        "so both ends notice a dead connection; the receiver's client_max_idle should be twice "
        "this. 0 = off.")
    queue_file: Annotated[str, _rule(_absolute_path), _fits_line("queue_file")] = Field(
        "/var/spool/audit/remote.log", description="Spool file for mode = 'forward'. "
        "Keep it under /var/spool/audit so SELinux lets audisp-remote write it.")


class ReceiverSection(_Section):
    """Settings written to auditd.conf on the receiver."""

    listen_port: Port = Field(60, description="TCP port auditd listens on (tcp_listen_port).")
    allowed_senders: List[Cidr] = Field(
        default_factory=list, description="Addresses or networks allowed through the firewall "
        "to the listen port (like \"192.0.2.0/24\"); empty = any address.")
    max_per_addr: MaxPerAddr = Field(
        2, description="Connections accepted from one address (tcp_max_per_addr). 2 lets a "
        "sender that crashed back in at once, while its dead connection is still open.")
    local_events: StrictBool = Field(
        True, description="Also record this host's own events (local_events). The STIGs ask "
        "for yes (RHEL-08-030061, RHEL-09-653075, RHEL-10-500010).")
    client_ports: Annotated[Optional[Annotated[str, _rule(_port_range)]],
                            BeforeValidator(_blank_to_none), BeforeValidator(_int_text)] = Field(
        None, description="Source ports senders may use, \"N\" or \"N-M\" "
        "(tcp_client_ports); not set = any.")
    client_max_idle: Seconds = Field(
        60, description="Seconds a sender connection may stay silent before auditd closes it "
        "(tcp_client_max_idle): at least twice the senders' heartbeat_timeout; 0 = never, and "
        "a dead connection then blocks its sender's address for good.")
    listen_queue: ListenQueue = Field(
        5, description="Pending connections the kernel queues (tcp_listen_queue).")


def _peer_name(value: str) -> Optional[str]:
    """A certificate name rsyslog compares against (x509/name): a host name, or `*.domain`."""
    name = value[2:] if value.startswith("*.") else value
    return validators.hostname(name)


def _principal_name(value: str) -> Optional[str]:
    problem = validators.safe_config_value(value)
    if problem:
        return problem
    if not re.fullmatch(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?(@[A-Za-z0-9._-]+)?", value):
        return "%s is not a Kerberos principal name (like auditd or admin/admin@EXAMPLE.COM)" % show(value)
    return None


def _psk_identity(value: str) -> Optional[str]:
    """audit's autls_validate_psk_identity: printable ASCII without spaces, at most 255 bytes."""
    problem = validators.safe_config_value(value)
    if problem:
        return problem
    if len(value) > 255:
        return "%s is longer than 255 characters" % show(value)
    return None


def _service_name(value: str) -> Optional[str]:
    """krb5_principal of auditd/audisp-remote: a service name only; audit itself adds
    /<host>@<realm> (auditd-listen.c compares the client principal's first part with it)."""
    problem = validators.safe_config_value(value)
    if problem:
        return problem
    if not re.fullmatch(r"[A-Za-z0-9._-]+", value):
        return ("%s is not a Kerberos service name: give only the name (like auditd), letters, "
                "digits, '.', '_' and '-'; audit adds /<host>@<realm> itself" % show(value))
    return None


AbsPath = Annotated[str, _rule(_absolute_path)]
OptionalAbsPath = Annotated[Optional[Annotated[str, _rule(_absolute_path), _fits_line("krb5_key_file")]],
                            BeforeValidator(_blank_to_none)]
PeerName = Annotated[str, _rule(_peer_name)]
Principal = Annotated[Optional[Annotated[str, _rule(_principal_name), _fits_line("krb5_principal")]],
                      BeforeValidator(_blank_to_none)]
ServiceName = Annotated[Optional[Annotated[str, _rule(_service_name), _fits_line("krb5_principal")]],
                        BeforeValidator(_blank_to_none)]
TlsDriver = Annotated[Literal["gtls", "ossl"], _Choice()]
Facility = Annotated[Literal["local0", "local1", "local2", "local3", "local4", "local5", "local6",
                             "local7"], _Choice()]
DiskSize = Annotated[str, _rule(lambda v: None if re.fullmatch(r"[1-9][0-9]{0,5}[kmg]?", v) else
                                "%s must be a size like 512m or 2g" % show(v))]


class SecuritySection(_Section):
    """How forwarded records are protected on the wire, and who may send."""

    encryption: Encryption = Field(
        "none", description="'kerberos' (transport = KRB5) for the audisp-remote method; "
        "'tls' for the rsyslog method (audisp-remote only has TLS from audit 4.2).")
    tls_driver: TlsDriver = Field(
        "gtls", description="rsyslog TLS driver: 'gtls' (package rsyslog-gnutls) or 'ossl' "
        "(package rsyslog-openssl). The RHEL 8 and 9 STIGs check DefaultNetstreamDriver gtls "
        "(RHEL-08-030710, RHEL-09-652050) and every STIG rsyslog-gnutls installed: ossl fails "
        "them.")
    ca_file: AbsPath = Field(
        "/etc/pki/rsyslog/ca.pem", description="CA certificate both ends trust (rsyslog TLS).")
    cert_file: AbsPath = Field(
        "/etc/pki/rsyslog/cert.pem", description="This host's certificate (rsyslog TLS).")
    key_file: AbsPath = Field(
        "/etc/pki/rsyslog/key.pem", description="This host's private key (rsyslog TLS): "
        "root-owned, mode 0600 or 0400.")
    peer_names: List[PeerName] = Field(
        default_factory=list, description="rsyslog TLS: on a sender, the name the receiver's "
        "certificate must carry (empty = remote.server); on a receiver, the sender certificate "
        "names allowed to send (PermittedPeer, like \"*.example.com\").")
    lab_certificates: StrictBool = Field(
        False, description="Generate a small CA and host certificates with openssl on the "
        "receiver (lab only, not for production).")
    krb5_principal: ServiceName = Field(
        None, description="Kerberos service name of both ends (krb5_principal on the receiver, "
        "krb5_client_name on the sender), like auditd; not set = auditd.")
    krb5_key_file: OptionalAbsPath = Field(
        None, description="Receiver's keytab (krb5_key_file); not set = /etc/audit/audit.key.")
    run_kadmin: StrictBool = Field(
        False, description="Create the missing principal and keytab with kadmin during apply "
        "(needs kadmin_principal and kadmin_keytab); otherwise the commands are only shown.")
    kadmin_principal: Principal = Field(
        None, description="Kerberos admin principal kadmin authenticates as (like admin/admin).")
    kadmin_keytab: Annotated[Optional[AbsPath], BeforeValidator(_blank_to_none)] = Field(
        None, description="Keytab holding kadmin_principal's key, so kadmin runs without a prompt.")
    tls_psk_file: Annotated[str, _rule(_absolute_path), _fits_line("tls_psk_file")] = Field(
        "/etc/audit/audit.psk", description="TLS-PSK (audisp-remote, audit 4.2+): the pre-shared "
        "key file, the same bytes on both ends (root, mode 0400, 64 hex digits); made with "
        "openssl when missing, never overwritten.")
    tls_psk_identity: Annotated[str, _rule(_psk_identity), _fits_line("tls_psk_identity")] = Field(
        "auditd-sender", description="TLS-PSK: the identity the senders present and the receiver "
        "accepts (tls_psk_identity); the same on both ends.")


class RsyslogSection(_Section):
    """The rsyslog method: audit's syslog plugin, rsyslog forwarding and collecting."""

    port: Port = Field(6514, description="TCP port of the receiver's rsyslog (6514 = syslog over "
                       "TLS, already labelled syslog_tls_port_t in SELinux).")
    facility: Facility = Field(
        "local6", description="Syslog facility audit records travel under (the syslog plugin's "
        "args); the receiver writes it to <host>/audit.log.")
    forward: ForwardWhat = Field(
        "audit", description="What the sender forwards. 'audit': only the audit records (the "
        "facility above). 'all': every message of this host, the audit records included, which "
        "is what the STIG's remote-loghost rule checks (`*.*` forwarded: RHEL-08-030690, "
        "RHEL-09-652055, RHEL-10-200642); the cost is more traffic and the host's other "
        "messages on the receiver (in <host>/messages.log next to audit.log).")
    log_remote_access: StrictBool = Field(
        False, description="Log auth.*, authpriv.* and daemon.* to /var/log/secure (a drop-in "
        "of its own), which the STIGs check as \"remote access methods are monitored\" "
        "(RHEL-08-010070, RHEL-09-652030, RHEL-10-200647).")
    queue_max_disk: Annotated[Optional[DiskSize], BeforeValidator(_blank_to_none)] = Field(
        None, description="Disk the sender's forwarding queue may use while the receiver is "
        "unreachable (rsyslog queue.maxDiskSpace); not set = outage x peak rate (sized to ride "
        "out the outage at the peak rate, about 2 KiB a record, at least 1g).")
    remote_dir: Annotated[str, _rule(_absolute_path), _rule(_template_text)] = Field(
        "/var/log/remote", description="Receiver: one directory per sender under it "
        "(<remote_dir>/<host>/audit.log, the host being the name of the connecting address).")


class FirewallSection(_Section):
    manage: StrictBool = Field(True, description="Open the listen port in firewalld on the receiver.")
    zone: Annotated[Optional[Annotated[str, _rule(_zone_name)]],
                    BeforeValidator(_blank_to_none)] = Field(
        None, description="firewalld zone to change; not set = the default zone.")


class SELinuxSection(_Section):
    manage: StrictBool = Field(
        True, description="Label a non-default port audit_port_t with semanage.")


class Answers(_Section):
    """All answers. An answers file may leave out any key; defaults are filled in."""

    role: Role = Field(
        "sender", description="'sender' forwards this host's audit records; 'receiver' collects them.")
    method: Method = Field(
        "audisp-remote", description="'audisp-remote' (native audit protocol, ausearch works on "
        "the receiver) or 'rsyslog' (text lines over syslog, what the RHEL STIGs describe).")
    auditd: AuditdSection = Field(default_factory=AuditdSection)
    remote: RemoteSection = Field(default_factory=RemoteSection)
    receiver: ReceiverSection = Field(default_factory=ReceiverSection)
    security: SecuritySection = Field(default_factory=SecuritySection)
    rsyslog: RsyslogSection = Field(
        default_factory=RsyslogSection, description="Settings of the rsyslog method (used only "
        "when method is 'rsyslog').")
    firewall: FirewallSection = Field(default_factory=FirewallSection)
    selinux: SELinuxSection = Field(default_factory=SELinuxSection)

    @model_validator(mode="after")
    def _consistent(self) -> "Answers":
        # A sender without a server is an unfinished answer, not an invalid one: the TUI edits
        # such answers; validate_answers() and the planner report it (missing_answers()).
        problems = [p for p in _answers_problems(self.role, self.method, self.remote.server,
                                                 self.security.encryption, self.security.peer_names)
                    if p[0] not in UNFINISHED]
        if problems:
            raise _cross(problems)
        return self


# ---- checks across fields (shared by the models and by validate_answers) -------------------
def _auditd_problems(name_format: Any, name: Any) -> List[Tuple[str, str]]:
    if name_format == "user" and not name:
        return [("auditd.name", "required when auditd.name_format is \"user\"")]
    return []


# Answers a form fills in later: the model accepts them missing (the TUI edits such answers);
# validate_answers() and the planner report them (missing_answers()).
UNFINISHED = ("remote.server", "security.peer_names")


def _answers_problems(role: Any, method: Any, server: Any, encryption: Any,
                      peer_names: Any = ()) -> List[Tuple[str, str]]:
    problems = []
    if role == "sender" and not server:
        problems.append(("remote.server", "required for a sender: the receiver's hostname "
                         "or IP address"))
    if method == "rsyslog" and encryption == "kerberos":
        problems.append(("security.encryption", "\"kerberos\" works only with method "
                         "\"audisp-remote\"; allowed with rsyslog: none, tls"))
    if method == "rsyslog" and encryption == "tls" and not peer_names:
        # x509/name compares certificate names: the wizard cannot guess them.
        if role == "receiver":
            problems.append(("security.peer_names", "required for a receiver with TLS: the "
                             "certificate names of the senders allowed to send (like "
                             "\"web01.example.com\" or \"*.example.com\")"))
        elif isinstance(server, str) and server and validators.ip_address(server) is None:
            problems.append(("security.peer_names", "required when the receiver is given by "
                             "IP address: the name its certificate carries (TLS compares "
                             "names, not addresses)"))
    return problems


def _cross(problems: List[Tuple[str, str]]) -> PydanticCustomError:
    return PydanticCustomError("answers_cross", "{summary}", {
        "summary": "; ".join("%s: %s" % p for p in problems), "problems": problems})


# ---- turning pydantic errors into one line each --------------------------------------------
SECTIONS: Dict[str, Type[BaseModel]] = {
    "auditd": AuditdSection, "remote": RemoteSection, "receiver": ReceiverSection,
    "security": SecuritySection, "rsyslog": RsyslogSection, "firewall": FirewallSection, "selinux": SELinuxSection,
}


def _key_text(part: Any) -> str:
    if isinstance(part, int):
        return "[%d]" % part
    text = str(part)
    if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", text):
        return text
    # Quoted, and without ':' so that a message's field always ends at its first ':'.
    return show(text).replace(":", "\\x3a")


def _dotted(loc: Tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        piece = _key_text(part)
        out += piece if piece.startswith("[") or not out else "." + piece
    return out or "(answers file)"


def _model_at(path: Tuple[Any, ...]) -> Optional[Type[BaseModel]]:
    if not path:
        return Answers
    if len(path) == 1 and path[0] in SECTIONS:
        return SECTIONS[path[0]]
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional to the core type."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin is not None and type(None) in get_args(annotation):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def _field_info(path: Tuple[Any, ...]):
    model = _model_at(path[:-1])
    if model is None or not path or not isinstance(path[-1], str):
        return None
    return model.model_fields.get(path[-1])


def field_info(dotted: str):
    """pydantic's FieldInfo of a dotted answers field ("remote.port"), or None."""
    return _field_info(tuple(dotted.split(".")))


def core_type(dotted: str) -> Any:
    """The field's type without Annotated/Optional (what a form picks its control by)."""
    return _unwrap(field_info(dotted).annotation)


def _nested_metadata(annotation: Any) -> List[Any]:
    """The Annotated metadata inside Optional[...] and Annotated[...] (an optional number's
    bounds, like remote.peak_rate's)."""
    found: List[Any] = []
    stack = [annotation]
    while stack:
        item = stack.pop()
        origin = get_origin(item)
        if origin is Annotated:
            args = get_args(item)
            found.extend(args[1:])
            for meta in args[1:]:
                found.extend(getattr(meta, "metadata", []) or [])
            stack.append(args[0])
        elif origin is not None:
            stack.extend(a for a in get_args(item) if a is not type(None))
    return found


def _allowed(path: Tuple[Any, ...]) -> Optional[str]:
    """What the field at `path` accepts, for the "; allowed: ..." tail of a message."""
    field = _field_info(path)
    if field is None:
        return None
    core = _unwrap(field.annotation)
    if get_origin(core) is Literal:
        return ", ".join(get_args(core))
    low = high = None
    for meta in list(field.metadata) + _nested_metadata(field.annotation):
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    if low is not None and high is not None:
        return "whole numbers %d-%d" % (low, high)
    if core is bool:
        return "true, false"
    return None


def _with_allowed(path: Tuple[Any, ...], text: str) -> str:
    allowed = _allowed(path)
    return "%s; allowed: %s" % (text, allowed) if allowed else text


_TYPE_WORDS = {
    "string_type": "must be text (a quoted string)",
    "bool_type": "must be true or false",
    "list_type": "must be a list, like [\"192.0.2.0/24\"]",
    "missing": "is required",
}
_NUMBER_TYPES = {"int_type", "int_parsing", "int_from_float", "answers_int", "int_parsing_size"}
_RANGE_TYPES = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}
_TABLE_TYPES = {"model_type", "model_attributes_type", "dict_type"}


def _messages_for(error: Mapping[str, Any], prefix: Tuple[Any, ...] = ()) -> List[str]:
    loc = prefix + tuple(error.get("loc", ()))
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "answers_cross":
        return ["%s: %s" % pair for pair in ctx.get("problems", [])]
    dotted = _dotted(loc)
    if kind == "answers_value":
        text = str(ctx.get("reason", "is not valid"))
    elif kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        names = ", ".join(parent.model_fields) if parent else ""
        text = "unknown key; allowed: " + names if names else "unknown key"
    elif kind == "literal_error":
        text = _with_allowed(loc, "%s is not allowed" % show(value))
    elif kind in _RANGE_TYPES:
        text = _with_allowed(loc, "%s is out of range" % show(value))
    elif kind in _NUMBER_TYPES:
        text = _with_allowed(loc, "%s is not a whole number" % show(value))
    elif kind in _TABLE_TYPES:
        text = "must be a table (a [%s] section)" % dotted if len(loc) == 1 else "must be a table"
    elif kind in _TYPE_WORDS:
        text = _with_allowed(loc, _TYPE_WORDS[kind]) if kind == "bool_type" else _TYPE_WORDS[kind]
    else:
        text = " ".join(str(error.get("msg", "is not valid")).split())
    return ["%s: %s" % (dotted, text)]


def _errors_of(exc: ValidationError) -> List[ErrorDetails]:
    return exc.errors(include_url=False)


def _raw(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _raw_cross_problems(data: Dict[str, Any], flagged: List[str]) -> List[str]:
    """Checks across fields on the raw input, for when other fields already failed
    (pydantic runs the model-level checks only when every field is valid)."""
    def norm(value: Any, default: Any) -> Any:
        return default if value is None else _lower(value)
    name_format = norm(_raw(data, "auditd", "name_format"), "hostname")
    problems = _auditd_problems(name_format, _blank_to_none(_raw(data, "auditd", "name")))
    problems += _answers_problems(
        norm(data.get("role"), "sender"), norm(data.get("method"), "audisp-remote"),
        _blank_to_none(_raw(data, "remote", "server")),
        norm(_raw(data, "security", "encryption"), "none"), _raw(data, "security", "peer_names"))
    taken = {m.split(":", 1)[0] for m in flagged}

    def already_flagged(field: str) -> bool:
        return any(field == t or field.startswith(t + ".") for t in taken)
    return ["%s: %s" % (field, text) for field, text in problems if not already_flagged(field)]


def missing_answers(answers: "Answers") -> List[str]:
    """Answers still needed before a plan can be made (e.g. a sender's remote.server)."""
    return ["%s: %s" % p for p in _answers_problems(answers.role, answers.method,
                                                    answers.remote.server, answers.security.encryption,
                                                    answers.security.peer_names)]


def validate_answers(data: Any) -> Tuple[Optional[Answers], List[str]]:
    """(Answers, []) when `data` is valid, else (None, one message per problem)."""
    if not isinstance(data, dict):
        return None, ["(answers file): must be a table of sections, not %s" % type(data).__name__]
    try:
        answers = Answers.model_validate(data)
        missing = missing_answers(answers)
        return (None, missing) if missing else (answers, [])
    except ValidationError as exc:
        messages: List[str] = []
        for error in _errors_of(exc):
            for message in _messages_for(error):
                if message not in messages:
                    messages.append(message)
        messages += _raw_cross_problems(data, messages)
        return None, messages
    except RecursionError:
        return None, ["(answers file): nested too deeply"]


# ---- one field at a time (the TUI calls this per keystroke) ---------------------------------
_ADAPTERS: Dict[str, TypeAdapter] = {}


def _adapter(dotted: str) -> Optional[TypeAdapter]:
    if dotted in _ADAPTERS:
        return _ADAPTERS[dotted]
    path = tuple(dotted.split("."))
    field = _field_info(path)
    if field is None or isinstance(_unwrap(field.annotation), type) and \
            issubclass(_unwrap(field.annotation), BaseModel):
        return None
    annotation = field.annotation
    if field.metadata:
        annotation = Annotated[(annotation, *field.metadata)]
    adapter = TypeAdapter(annotation)
    _ADAPTERS[dotted] = adapter
    return adapter


def field_names() -> List[str]:
    """Every dotted field name a user can set, in form order."""
    names = []
    for name in Answers.model_fields:
        section = SECTIONS.get(name)
        if section is None:
            names.append(name)
        else:
            names.extend("%s.%s" % (name, key) for key in section.model_fields)
    return names


def field_error(dotted: str, value: Any) -> Optional[str]:
    """The message for one field's value (checked alone, without the other fields), or None."""
    adapter = _adapter(dotted) if isinstance(dotted, str) else None
    if adapter is None:
        return "%s: unknown field; allowed: %s" % (_key_text(dotted), ", ".join(field_names()))
    try:
        adapter.validate_python(value)
    except ValidationError as exc:
        path = tuple(dotted.split("."))
        messages = [m for error in _errors_of(exc) for m in _messages_for(error, path)]
        return messages[0] if messages else "%s: is not valid" % dotted
    except RecursionError:
        return "%s: nested too deeply" % dotted
    return None


def field_value(dotted: str, value: Any) -> Any:
    """The value as the model stores it ("60" -> 60, "enriched" -> "ENRICHED"); call
    field_error() first. Uses the field's cached validator (built once, not per keystroke)."""
    adapter = _adapter(dotted)
    if adapter is None:
        raise ValueError("%s is not a field of the answers" % dotted)
    return adapter.validate_python(value)


def with_field(answers: Answers, dotted: str, value: Any) -> Tuple[Optional[Answers], List[str]]:
    """A copy of `answers` with one field changed, validated as a whole."""
    if dotted not in field_names():
        return None, [str(field_error(dotted, value))]
    data = answers.model_dump()
    path = dotted.split(".")
    target = data
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    return validate_answers(data)
