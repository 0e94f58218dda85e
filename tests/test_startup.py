"""What ``import normalize_engine`` loads (issue 18): the errors and the versions, not the machinery.

No timing is asserted here (a busy machine would make it flaky; ``benchmarks/bench.py --only startup``
measures): the tests check which modules an import loads, that everything works once they are needed, and
that what stands in for the registry at import (``_known.py``) says what the registry says.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from marshmallow import post_load
from marshmallow.schema import SchemaMeta

import normalize_engine as ne
from normalize_engine import _known
from normalize_engine._registry import DOCKER
from normalize_engine.changes import Shape

REPO = Path(__file__).resolve().parent.parent

#: Modules ``import normalize_engine`` must not load: marshmallow, the HTTP stack, and the machinery that
#: imports them or builds the registries (prefixes: their submodules too).
HEAVY = (
    "marshmallow",
    "requests",
    "urllib3",
    "normalize_engine.schemas",
    "normalize_engine.schemas_podman",
    "normalize_engine.changes",
    "normalize_engine._compiler",
    "normalize_engine._registry",
    "normalize_engine._chains",
    "normalize_engine._changes",
)

PROBE = """
import json, sys
HEAVY = {heavy!r}

def loaded():
    return sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in HEAVY))

{setup}
out = {{"after_import": loaded()}}
{use}
out["after_use"] = loaded()
print(json.dumps(out))
"""


def run(setup: str, use: str = "", env: dict[str, str] | None = None) -> dict[str, object]:
    code = PROBE.format(heavy=HEAVY, setup=setup, use=use)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


def test_import_loads_no_machinery_and_the_first_normalize_builds_it() -> None:
    use = (
        "event = {'status': 'die', 'id': '4f2a', 'from': 'busybox', 'time': 1}\n"
        "out['event'] = ne.normalize(event, '/v1.21/events')\n"
        "body = b'{\"Id\": \"ab\", \"State\": {\"Running\": true}}'\n"
        "out['inspect'] = ne.normalize(body, '/v1.18/containers/ab/json')"
    )
    out = run("import normalize_engine as ne", use)
    assert out["after_import"] == []
    event = out["event"]
    assert isinstance(event, dict) and event["Type"] == "container" and event["Action"] == "die"
    inspect = out["inspect"]
    assert isinstance(inspect, dict) and inspect["State"]["Status"] == "running"
    # the first normalize() built what it needed: the registries and the compiler
    assert {"marshmallow", "normalize_engine._registry", "normalize_engine._compiler"} <= set(
        out["after_use"]  # type: ignore[arg-type]
    )
    assert "requests" not in out["after_use"]  # type: ignore[operator]


def test_the_public_names_are_there_without_loading_the_machinery() -> None:
    use = (
        "out['latest'] = (ne.LATEST, ne.VERSIONS[0], len(ne.VERSIONS))\n"
        "out['errors'] = [issubclass(ne.InvalidBodyError, ne.NormalizeError), ne.NormalizeWarning.__name__]\n"
        "out['kind'] = [ne.endpoint_kind('GET', '/v1.41/events'), ne.endpoint_kind('GET', '/_ping')]\n"
        "out['functions'] = [callable(getattr(ne, n)) for n in "
        "('normalize', 'normalize_stream', 'anormalize_stream', 'install', 'installed', 'uninstall')]\n"
    )
    out = run("import normalize_engine as ne", use)
    assert out["latest"] == [ne.LATEST, "1.18", len(ne.VERSIONS)]
    assert out["errors"] == [True, "NormalizeWarning"]
    assert out["kind"] == ["stream", "raw"]
    assert out["functions"] == [True] * 6
    assert out["after_use"] == []  # none of these needs a registry


def test_every_public_name_resolves_and_dir_lists_them() -> None:
    for name in ne.__all__:
        assert getattr(ne, name) is not None, name
    assert dir(ne) == sorted(ne.__all__)


def test_the_autoinstall_switch_installs_without_loading_the_machinery() -> None:
    setup = "import normalize_engine.autoinstall, normalize_engine as ne"
    use = "out['installed'] = ne._install.is_installed()"
    out = run(setup, use, {"NORMALIZE_ENGINE_INSTALL": "1", "NORMALIZE_ENGINE_TARGET": "1.44"})
    assert out["installed"] is True
    assert out["after_import"] == [] and out["after_use"] == []


def test_known_versions_are_the_registrys() -> None:
    assert tuple(str(v) for v in DOCKER.versions) == _known.VERSIONS == ne.VERSIONS
    assert ne.LATEST == _known.LATEST == str(DOCKER.versions[-1])
    check = [sys.executable, "tools/gen_known.py", "--check"]
    proc = subprocess.run(check, cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def _hooks(found: dict[str, list[object]]) -> dict[str, list[object]]:
    # marshmallow's defaultdict gains an empty list for each tag looked up (a load() asks for post_load)
    return {tag: entries for tag, entries in found.items() if entries}


def _shapes(cls: type[Shape]) -> list[type[Shape]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_shapes(sub)]
    return found


def test_the_shortcut_for_hooks_finds_what_marshmallow_finds() -> None:
    shapes = _shapes(Shape)
    assert len(shapes) > 100  # the registry's changes and their shapes written in place
    for shape in shapes:
        theirs = _hooks(SchemaMeta.resolve_hooks(shape))  # type: ignore[arg-type]
        assert theirs == _hooks(shape._hooks), shape  # type: ignore[attr-defined]

    class WithAHook(Shape):
        """A shape with a hook of its own: marshmallow's way."""

        @post_load
        def after(self, data: dict[str, object], **_: object) -> dict[str, object]:
            return data

    assert set(_hooks(WithAHook._hooks)) == {"pre_load", "post_load"}  # type: ignore[attr-defined]
    theirs = _hooks(SchemaMeta.resolve_hooks(WithAHook))  # type: ignore[arg-type]
    assert theirs == _hooks(WithAHook._hooks)  # type: ignore[attr-defined]
