"""A module named at the top of a file and executed when first used.

The first screen needs little of the wizard: the steps, the planner and the answers model
(pydantic) load when a later screen first needs them, or in the worker while Welcome is
already answering keys (see bench/tui_bench.py). The import stays written at the top where a
reader looks for it; `importlib.util.LazyLoader` runs the module's code at its first attribute
access, as the importlib documentation shows.

A lazy module must be first used from one thread only (before Python 3.12 LazyLoader has no
lock): the App's lazy modules are used on its event loop, the Session's in the worker."""
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
