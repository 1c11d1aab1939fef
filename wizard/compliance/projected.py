"""The host as a plan would leave it: its files with the plan's writes laid over them, the
packages after the plan's installs, the services after its service changes. The compliance
checks read this, so the view shows what the scanner will find after Apply."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Set, Tuple

if TYPE_CHECKING:
    from backends.host import Host

# Change kinds that leave a file with new content, and those that take a file away.
_WRITES = ("write-file", "edit-file")   # edit-file: the planned edits of a file a package brings
_REMOVALS = ("move-file", "remove-file")


@dataclass
class ProjectedHost:
    host: Host
    packages: Set[str] = field(default_factory=set)
    services: Dict[str, Tuple[bool, bool]] = field(default_factory=dict)   # unit -> (enabled, active)
    overlay: Dict[str, Optional[str]] = field(default_factory=dict)        # path -> text, None = gone

    @classmethod
    def after(cls, host, state, changes: Iterable = ()) -> "ProjectedHost":
        """`state`: wizard.probe.SystemState of the host now; `changes`: the plan's changes."""
        projected = cls(host, set(state.installed),
                        {unit: (state.enabled.get(unit, False), state.active.get(unit, False))
                         for unit in set(state.enabled) | set(state.active)})
        for change in changes:
            projected._lay_over(change)
        return projected

    def _lay_over(self, change) -> None:
        kind = getattr(change, "kind", "")
        if kind in _WRITES:
            self.overlay[change.path] = change.content
        elif kind in _REMOVALS:
            self.overlay[change.path] = None
        elif kind == "install-packages":
            self.packages.update(change.names)
        elif kind == "service-state":
            enabled, active = self.services.get(change.name, (False, False))
            self.services[change.name] = (enabled if change.enabled is None else change.enabled,
                                          active if change.active is None else change.active)

    # ------------------------------------------------------------------ reading
    def read(self, path: str) -> Optional[str]:
        if path in self.overlay:
            return self.overlay[path]
        return self.host.read_text(path)

    def names_in(self, directory: str) -> List[str]:
        """File names directly in `directory` (sorted), with the plan's new files."""
        names = set()
        folder = self.host.path(directory)
        if folder.is_dir():
            names = {entry.name for entry in folder.iterdir() if entry.is_file()}
        for path, text in self.overlay.items():
            parent, name = posixpath.split(path)
            if parent == directory.rstrip("/"):
                if text is None:
                    names.discard(name)
                else:
                    names.add(name)
        return sorted(names)

    def installed(self, package: str) -> bool:
        return package in self.packages

    def service(self, unit: str) -> Tuple[bool, bool]:
        return self.services.get(unit, (False, False))
