"""A module named at the top of a file and executed when first used.

The first screen needs little of the wizard: the steps, the planner and the answers model
(pydantic) load when the user first goes past Welcome (see bench/tui_bench.py). The import
stays written at the top where a reader looks for it; `importlib.util.LazyLoader` runs the
module's code at its first attribute access, as the importlib documentation shows.

LazyLoader has no lock in the Pythons this runs on (3.9 to 3.12), so each lazy module must
first be used by one thread while no other can: the App's (forms, frame, history, review) on
its event loop; the session and answers modules in the worker that opens the Session;
backends.changes by whichever comes first of the first-look thread (sweeping the temp files of
earlier transactions needs their change kinds) and that worker. The Session opens only once the
first look is done, so these never overlap."""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:   # as an import would: `import a.b` then `a.b.x` finds it
        setattr(sys.modules[parent], child, module)
    return module
