"""One tree of errors under NormalizeError, and warnings that point at the caller's line."""

from __future__ import annotations

import json
import sys
import warnings
from typing import Any

import pytest
import requests
import responses

import normalize_engine as ne
from normalize_engine import _errors

BASE = "http://docker.test"
OLD_IMAGES = [{"Id": "sha256:" + "ab" * 32, "RepoTags": ["<none>:<none>"], "Size": 1, "VirtualSize": 1}]


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (_errors.InvalidBodyError, ValueError),
        (_errors.TruncatedStreamError, ValueError),
        (_errors.ShapeError, ValueError),
        (_errors.UnknownVersionError, ValueError),
        (_errors.UnknownEndpointError, ValueError),
        (_errors.UnsupportedClientError, TypeError),
        (_errors.DeclarationError, TypeError),
        (_errors.RegistryError, RuntimeError),
    ],
)
def test_every_error_is_a_normalize_error_and_its_builtin(error: type[Exception], builtin: type) -> None:
    assert issubclass(error, ne.NormalizeError) and issubclass(error, builtin)
    assert error.__name__ in (_errors.__doc__ or "")  # drawn in the tree of the module docstring


def test_the_old_import_places_still_work() -> None:
    from normalize_engine._changes import UnknownEndpointError
    from normalize_engine._registry import RegistryError
    from normalize_engine.schema import ShapeError

    assert UnknownEndpointError is _errors.UnknownEndpointError
    assert RegistryError is _errors.RegistryError
    assert ShapeError is _errors.ShapeError


def test_dsl_misuse_is_a_declaration_error() -> None:
    from normalize_engine.schema import Derived

    with pytest.raises(_errors.DeclarationError, match="tuple of keys"):
        Derived(lambda obj: 1, reads="Status")  # type: ignore[arg-type]


def _one_warning(caught: list[warnings.WarningMessage]) -> warnings.WarningMessage:
    found = [w for w in caught if issubclass(w.category, ne.NormalizeWarning)]
    assert len(found) == 1, [str(w.message) for w in caught]
    return found[0]


def test_a_warning_of_normalize_points_at_the_callers_line() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _line() + 1  # the next line
        ne.normalize(OLD_IMAGES, "/v1.99/images/json", target="1.44")
    warning = _one_warning(caught)
    assert (warning.filename, warning.lineno) == (__file__, line)


def test_a_warning_of_normalize_stream_points_at_the_callers_line() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _line() + 1  # the next line
        list(ne.normalize_stream([b"{}\n"], "/v1.99/events", target="1.44"))
    warning = _one_warning(caught)
    assert (warning.filename, warning.lineno) == (__file__, line)


@responses.activate
@pytest.mark.parametrize("path", ["/v1.51/images/json", "/v1.41/images/json"])
def test_a_warning_of_the_adapter_points_at_the_callers_line(path: str, monkeypatch: Any) -> None:
    from normalize_engine import _normalize

    def broken(self: Any, document: Any, **_: Any) -> Any:
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(_normalize.Plan, "apply", broken)  # fail open, for the 1.41 answer
    responses.get(f"{BASE}{path}", body=json.dumps(OLD_IMAGES), content_type="application/json")
    with requests.Session() as session, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        session.mount("http://", ne.NormalizingAdapter(target="1.44"))
        line = _line() + 1  # the next line
        session.get(f"{BASE}{path}")
    warning = _one_warning(caught)
    assert (warning.filename, warning.lineno) == (__file__, line), (warning.filename, warning.lineno)


def test_one_text_for_an_answer_newer_than_the_library_knows() -> None:
    with pytest.warns(ne.NormalizeWarning) as caught:
        ne.normalize(OLD_IMAGES, "/v1.99/images/json", target="1.44")
    assert str(caught[0].message) == (
        f"GET /v1.99/images/json: the answer is at API 1.99, newer than the versions normalize-engine knows; "
        "it is brought down to 1.44 as an answer of the newest version it knows"
    )


def _line() -> int:
    """The line of the caller."""
    return sys._getframe(1).f_lineno
