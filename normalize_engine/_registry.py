"""Registries: an engine's API versions and their changes, found in the modules of its content package.

A registry is a value, one per engine (today :data:`DOCKER`, built from ``normalize_engine.schemas``);
:data:`ENGINES` names them, and the machinery (``_chains``, plans) takes the registry to read as an
argument. A second engine (Podman's dialect) is one content package and one entry in :data:`ENGINES`.

One module per API version, named ``v1_<minor>``; its module docstring says which Docker release brought the
version, and its :class:`~normalize_engine.schema.Change` classes are what that version changed. Adding a
version means adding one module: nothing here lists them. The registry is checked when it is built (at
import): versions contiguous, every change documented, aimed at known endpoints, and registered once.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType, ModuleType

from packaging.version import Version

from ._endpoints import BY_NAME
from ._errors import RegistryError
from ._versions import engine_of
from .changes import Change

__all__ = [
    "DOCKER",
    "ENGINES",
    "PODMAN",
    "REGISTRY",
    "Registry",
    "RegistryError",
    "VersionEntry",
    "engine_of",
]


@dataclass(frozen=True)
class VersionEntry:
    """One API version: its module's docstring and its changes, in declaration order."""

    version: Version
    name: str
    summary: str
    changes: tuple[type[Change], ...]


class Registry:
    """The versions and changes of one engine, read from ``package`` and checked (see the module).

    Compared and hashed by identity: the chain caches are keyed by it.
    """

    def __init__(self, package: ModuleType, engine: str = "docker") -> None:
        self.engine = engine
        modules = []
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("v1_"):
                continue
            minor = info.name.removeprefix("v1_")
            if not minor.isdigit():
                raise RegistryError(f"schemas/{info.name}.py: a version module is named v1_<minor>")
            modules.append((Version(f"1.{int(minor)}"), info.name))
        modules.sort()
        if not modules:
            raise RegistryError("no version modules found in normalize_engine.schemas")
        entries = []
        seen: dict[str, str] = {}  # the name of each change found so far -> where
        for version, modname in modules:
            module = importlib.import_module(f"{package.__name__}.{modname}")
            entries.append(self._entry(version, module, seen))
        self._check_contiguous([e.version for e in entries])
        self.entries: tuple[VersionEntry, ...] = tuple(entries)
        self.versions: tuple[Version, ...] = tuple(e.version for e in entries)

    @staticmethod
    def _entry(version: Version, module: ModuleType, seen: dict[str, str]) -> VersionEntry:
        where = f"schemas/{module.__name__.rsplit('.', 1)[1]}.py"
        doc = inspect.getdoc(module)
        if not doc:
            raise RegistryError(
                f"{where}: the module needs a docstring naming the Docker release of {version}"
            )
        changes = []
        for obj in vars(module).values():
            # Change in the MRO first: issubclass() alone (the schemas' ABC machinery) would walk every
            # subclass of Change for each class that is not one (the field classes a module imports).
            if not (isinstance(obj, type) and Change in obj.__mro__ and issubclass(obj, Change)):
                continue
            if obj is Change:
                continue
            if obj.__module__ != module.__name__:
                continue  # imported from elsewhere
            name = f"{where}: {obj.__qualname__}"
            twin = seen.get(obj.__name__)
            if twin is not None:
                raise RegistryError(f"{name}: a change of that name is registered already, in {twin}")
            if obj.__doc__ is None or not obj.__doc__.strip():  # what inspect.getdoc() would find empty
                raise RegistryError(f"{name} needs a docstring saying what it changes for users")
            if not obj.endpoints():
                raise RegistryError(f"{name} names no endpoint")
            for endpoint in obj.endpoints():
                if endpoint not in BY_NAME:
                    raise RegistryError(f"{name}: unknown endpoint {endpoint!r}")
            obj.declared()  # raises on fields that are not change fields
            obj.version = str(version)
            seen[obj.__name__] = where
            changes.append(obj)
        # vars() keeps definition order, which is the order changes of one version apply in
        summary = doc.splitlines()[0]
        return VersionEntry(version, module.__name__, summary, tuple(changes))

    @staticmethod
    def _check_contiguous(versions: list[Version]) -> None:
        for before, after in itertools.pairwise(versions):
            if after.minor != before.minor + 1:
                raise RegistryError(f"API versions must be contiguous: {before} is followed by {after}")

    @cached_property
    def by_endpoint(self) -> dict[str, tuple[tuple[Version, type[Change]], ...]]:
        table: dict[str, list[tuple[Version, type[Change]]]] = {}
        for entry in self.entries:
            for change in entry.changes:
                for endpoint in change.endpoints():
                    table.setdefault(endpoint, []).append((entry.version, change))
        return {k: tuple(v) for k, v in table.items()}

    def changes_between(
        self, endpoint: str, source: Version | None, target: Version
    ) -> tuple[type[Change], ...]:
        """The changes that carry ``endpoint`` from ``source`` (exclusive; None = oldest) to ``target``."""
        return tuple(
            change
            for version, change in self.by_endpoint.get(endpoint, ())
            if (source is None or version > source) and version <= target
        )

    def changes_down(
        self, endpoint: str, source: Version, target: Version
    ) -> tuple[type[Change], ...]:
        """The changes that carry ``endpoint`` back from ``source`` down to ``target`` (exclusive), newest
        first: each undone in the reverse of the order it applies upward."""
        return tuple(
            change
            for version, change in reversed(self.by_endpoint.get(endpoint, ()))
            if target < version <= source
        )

    def __repr__(self) -> str:
        return f"<Registry {self.engine} {self.versions[0]}..{self.versions[-1]}>"


#: Docker Engine's registry: the content of ``normalize_engine.schemas``. Found by name: in a checkout the
#: package is the top-level schemas/ (pyproject's package-dir), which type checkers reading the source
#: tree cannot map to normalize_engine.schemas.
DOCKER = Registry(importlib.import_module(f"{__package__}.schemas"), "docker")
#: Podman's dialect: the content of ``normalize_engine.schemas_podman``, one module whose changes carry any
#: Podman answer to Docker's shape at the answer's API version (Podman sends the same shape at every
#: prefix). A Podman answer runs through it, then through Docker's chain as any answer of that version.
PODMAN = Registry(importlib.import_module(f"{__package__}.schemas_podman"), "podman")
#: Every engine's registry, by the name ``engine=`` takes.
ENGINES: Mapping[str, Registry] = MappingProxyType({"docker": DOCKER, "podman": PODMAN})


#: The name this module had for Docker's registry when it was the only one.
REGISTRY = DOCKER
