"""What a checkout and a built distribution hold: importable from a clone, licensed, declared honestly."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import normalize_engine as ne

REPO = Path(__file__).resolve().parent.parent

# The clone's package without any installation: the editable install's finders are taken away first.
_NOT_INSTALLED = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "").lower()]
sys.path_hooks[:] = [h for h in sys.path_hooks if "editable" not in getattr(h, "__module__", "").lower()]
sys.path_importer_cache.clear()
import normalize_engine as ne
import normalize_engine.schemas
print(ne.__file__)
print(normalize_engine.schemas.__file__)
print(ne.normalize({"status": "die", "id": "4f2a", "from": "busybox", "time": 1}, "/v1.21/events")["Type"])
"""


def test_the_clone_imports_without_being_installed() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _NOT_INSTALLED], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    package, schemas, kind = proc.stdout.split()
    assert Path(package) == REPO / "normalize_engine" / "__init__.py"
    assert Path(schemas) == REPO / "schemas" / "__init__.py"
    assert kind == "container"


def test_importing_stays_light() -> None:
    code = (
        "import sys, normalize_engine; print(sorted(m for m in ('requests', 'docker') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_transport_names_load_on_first_use() -> None:
    from normalize_engine import _adapter, _wrap

    assert ne.NormalizingAdapter is _adapter.NormalizingAdapter
    assert (ne.mount, ne.wrap) == (_wrap.mount, _wrap.wrap)
    assert set(ne.__all__) <= set(dir(ne))


def test_metadata_is_complete() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    assert "Apache License" in (REPO / "LICENSE").read_text(encoding="utf-8")[:200]
    assert project["authors"]
    classifiers = set(project["classifiers"])
    for minor in (11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    # A licence classifier next to an SPDX expression is an error for setuptools 77 and later.
    assert not any(c.startswith("License ::") for c in classifiers)
    assert ne.__version__ == project["version"]


def test_the_readme_reads_well_on_an_index_page() -> None:
    # A package index shows the README alone: a relative link there leads nowhere.
    text = (REPO / "README.md").read_text(encoding="utf-8")
    relative = re.findall(r"\]\((?!https?://)([^)]*)\)", text)
    assert relative == []
    assert "tools/daemons.sh clean" in text and "/var/cache/normalize-engine/daemons" in text


def test_the_changelog_is_release_notes() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^]]+)\]", text, flags=re.M)
    assert headings[:2] == ["Unreleased", ne.__version__]


def _run_clean(tmp_path: Path, tool: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``tools/<tool> clean`` with its ``stop`` replaced: no daemon or Podman of this machine is touched."""
    script = (REPO / "tools" / tool).read_text(encoding="utf-8").replace('\nmain "$@"\n', "\n")
    copy = tmp_path / tool
    copy.write_text(script + '\ncmd_stop() { say "(stop)"; }\ncmd_clean\n', encoding="utf-8")
    shutil.copy(REPO / "tools" / "services.sh", tmp_path / "services.sh")
    env = {"PATH": "/usr/bin:/bin", **env}
    return subprocess.run(["bash", str(copy)], capture_output=True, text=True, timeout=60, env=env)


def _clean(tmp_path: Path, cache: str, root: str) -> subprocess.CompletedProcess[str]:
    return _run_clean(tmp_path, "daemons.sh", {"NE_DAEMON_CACHE": cache, "NE_DAEMON_ROOT": root})


def test_daemons_clean_removes_the_cache_and_the_state(tmp_path: Path) -> None:
    cache, root = tmp_path / "cache", tmp_path / "root"
    (cache / "sid" / "usr" / "sbin").mkdir(parents=True)
    (cache / "sid" / "usr" / "sbin" / "dockerd").write_bytes(b"x" * 1000)
    (root / "sid").mkdir(parents=True)
    (root / "daemons.json").write_text("[]")
    proc = _clean(tmp_path, str(cache), str(root))
    assert proc.returncode == 0, proc.stderr
    assert not cache.exists() and not root.exists()
    assert "(stop)" in proc.stderr and f"removing {cache}" in proc.stderr
    again = _clean(tmp_path, str(cache), str(root))  # nothing left: still fine
    assert again.returncode == 0, again.stderr


def test_daemons_clean_refuses_a_system_folder(tmp_path: Path) -> None:
    proc = _clean(tmp_path, "/var/cache", str(tmp_path / "root"))
    assert proc.returncode == 1
    assert "refusing to remove '/var/cache'" in proc.stderr
    assert Path("/var/cache").is_dir()


def test_every_package_folder_is_declared() -> None:
    """setuptools is given the package list by hand (schemas/ ships as normalize_engine.schemas): a folder
    of the package that is not in it would be missing from the wheel, though an editable install works."""
    declared = set(
        tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    )
    found = {"normalize_engine", "normalize_engine.schemas"} | {
        ".".join(folder.relative_to(REPO).parts)
        for folder in (REPO / "normalize_engine").rglob("*")
        if folder.is_dir() and folder.name != "__pycache__"
    }
    assert found == declared


def _podman_clean(tmp_path: Path, cache: str, root: str) -> subprocess.CompletedProcess[str]:
    return _run_clean(tmp_path, "podman.sh", {"NE_PODMAN_CACHE": cache, "NE_PODMAN_ROOT": root})


def test_podman_clean_removes_the_cache_and_the_state(tmp_path: Path) -> None:
    cache, root = tmp_path / "cache", tmp_path / "root"
    (cache / "4.3.1" / "usr" / "bin").mkdir(parents=True)
    (cache / "4.3.1" / "usr" / "bin" / "podman").write_bytes(b"x" * 1000)
    (root / "4.3.1").mkdir(parents=True)
    (root / "podmans.json").write_text("[]")
    proc = _podman_clean(tmp_path, str(cache), str(root))
    assert proc.returncode == 0, proc.stderr
    assert not cache.exists() and not root.exists()
    assert "(stop)" in proc.stderr and f"removing {cache}" in proc.stderr
    assert _podman_clean(tmp_path, str(cache), str(root)).returncode == 0  # nothing left: still fine
    refused = _podman_clean(tmp_path, "/var/cache", str(root))
    assert refused.returncode == 1 and "refusing to remove '/var/cache'" in refused.stderr
