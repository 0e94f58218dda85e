"""The docker-py layer: :class:`NormalizingAdapter` in front of the adapters of a session or a docker-py
client.

docker-py is never imported: a client is recognised by what it is made of (``APIClient`` is a
``requests.Session``; ``DockerClient`` holds one as ``.api``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import requests
from packaging.version import Version
from requests.adapters import BaseAdapter

from .._errors import UnsupportedClientError
from .._plan import resolve_target
from .requests_adapter import NormalizingAdapter
from .requests_response import _DEFER

__all__ = ["UnsupportedClientError", "mount", "wrap"]

SessionT = TypeVar("SessionT", bound=requests.Session)
ClientT = TypeVar("ClientT")


def _wrapped(
    adapter: BaseAdapter,
    target: str | Version | None,
    strict: bool | None,
    memo: dict[int, NormalizingAdapter],
) -> NormalizingAdapter:
    """The normalising adapter for ``adapter``: itself when it already is one with the wanted settings."""
    found = memo.get(id(adapter))
    if found is not None:
        return found
    if isinstance(adapter, NormalizingAdapter):
        want_target = adapter._target if target is None else resolve_target(target)
        want_strict = adapter.strict if strict is None else strict
        if want_target == adapter._target and want_strict == adapter.strict:
            result = adapter
        else:
            result = NormalizingAdapter(adapter.inner, target=want_target, strict=want_strict)
    else:
        result = NormalizingAdapter(adapter, target=target, strict=bool(strict))
    memo[id(adapter)] = result
    return result


def _mount(
    session: requests.Session,
    target: str | Version | None,
    strict: bool | None,
    memo: dict[int, NormalizingAdapter],
) -> None:
    if target is not None:
        resolve_target(target)  # fail before touching anything
    for prefix, adapter in list(session.adapters.items()):
        # Assigning an existing key keeps the order requests relies on (longest prefix first).
        session.adapters[prefix] = _wrapped(adapter, target, strict, memo)


def mount(
    session: SessionT,
    *,
    target: str | Version | None = None,
    strict: bool | None = None,
) -> SessionT:
    """Wrap every adapter mounted on ``session`` in a :class:`NormalizingAdapter`, at the same prefixes.

    Idempotent: an adapter that is already normalising is not wrapped again. ``target`` and ``strict`` left
    at None keep what an earlier call set (new wrappers get the newest version and fail open); given, they
    replace it.

    :param session: a ``requests.Session`` (a docker-py ``APIClient`` is one).
    :param target: the API version to produce; default :data:`~normalize_engine.LATEST`.
    :param strict: raise :class:`~normalize_engine.NormalizeError` instead of passing answers through when
        they cannot be normalised.
    :returns: ``session`` itself.
    :raises UnknownVersionError: ``target`` is not a version the library can produce.

    >>> import requests, normalize_engine as ne
    >>> session = ne.mount(requests.Session())
    >>> type(session.adapters["https://"]).__name__
    'NormalizingAdapter'
    >>> ne.mount(session).adapters["https://"].inner.__class__.__name__
    'HTTPAdapter'

    .. versionadded:: 0.1
    """
    _mount(session, target, strict, {})
    return session


def wrap(
    client: ClientT,
    *,
    target: str | Version | None = None,
    strict: bool | None = None,
) -> ClientT:
    """Make a docker-py client answer in the canonical shape: ``client = ne.wrap(docker.from_env())``.

    Mounts a :class:`NormalizingAdapter` over each transport adapter of the client (unix socket, TCP, TLS,
    SSH, named pipe) and over docker-py's fallback adapter (``_custom_adapter``, when the transport has one).
    The models then read canonical attributes (``Image.tags``, ``Image.labels``, ``Container.status``,
    ``Container.health``, ``Network.containers``...). docker-py negotiated its API version in its
    constructor; every later request carries it as a ``/vX.Y`` path prefix, which is the source version the
    adapter reads. Wrapping twice does not wrap twice; ``target`` and ``strict`` behave as in :func:`mount`.

    docker-py reads JSON answers through ``response.json()`` only, so the client's ``send`` is wrapped too:
    a normalised JSON answer hands its document to ``json()`` and gets its new body (and
    ``Content-Length``) written only if something reads ``content``, ``text`` or ``iter_content``; encoding
    it again would cost about as much as decoding it. Every other answer the caller did not stream is read
    before ``send`` returns, as requests does.

    OpenTelemetry's ``RequestsInstrumentor`` sees every request whether it instruments before or after.
    An object holding a docker-py client as ``.client`` (testcontainers' ``DockerClient``) has that client
    wrapped; an ``aiodocker.Docker`` gets :class:`normalize_engine.aiohttp.NormalizingResponse` as the
    response class of its session (needs the ``aiohttp`` extra). Either way the object itself comes back.

    :param client: a ``docker.DockerClient`` or ``docker.APIClient``, testcontainers' ``DockerClient``,
        an ``aiodocker.Docker``.
    :param target: the API version to produce; default :data:`~normalize_engine.LATEST`.
    :param strict: raise instead of passing answers through when they cannot be normalised.
    :returns: ``client`` itself.
    :raises UnsupportedClientError: ``client`` is neither a docker-py client nor a requests session.
    :raises UnknownVersionError: ``target`` is not a version the library can produce.

    >>> import docker, normalize_engine as ne
    >>> client = docker.APIClient(base_url="unix:///nowhere/docker.sock", version="1.41")  # no connection yet
    >>> ne.wrap(client) is client
    True
    >>> client.adapters["http+docker://"] is client._custom_adapter
    True

    .. versionadded:: 0.1
    """
    api: Any = client if isinstance(client, requests.Session) else getattr(client, "api", None)
    if not isinstance(api, requests.Session):
        held = getattr(client, "client", None)  # testcontainers' DockerClient holds docker-py's as .client
        if held is not None and held is not client and _is_docker_py(held):
            wrap(held, target=target, strict=strict)
            return client
        session = getattr(client, "session", None)  # aiodocker.Docker: an aiohttp.ClientSession
        if session is not None and hasattr(session, "_response_class") and hasattr(session, "_connector"):
            _aiohttp().wrap_session(session, target=target, strict=strict)
            return client
        raise UnsupportedClientError(
            "wrap() takes a docker.DockerClient or docker.APIClient, an object holding one as .client "
            f"(testcontainers) or an aiodocker.Docker, got {type(client).__name__}; "
            "for a plain requests session use normalize_engine.mount()"
        )
    memo: dict[int, NormalizingAdapter] = {}
    _mount(api, target, strict, memo)
    docker_api: Any = api
    custom = getattr(docker_api, "_custom_adapter", None)  # absent for plain TCP and TLSConfig clients
    if isinstance(custom, BaseAdapter):
        docker_api._custom_adapter = _wrapped(custom, target, strict, memo)
    if not getattr(docker_api.send, "_ne_deferring", False):
        docker_api.send = _deferring(api)
    return client


def _is_docker_py(client: Any) -> bool:
    return isinstance(client, requests.Session) or isinstance(getattr(client, "api", None), requests.Session)


def _aiohttp() -> Any:
    """``normalize_engine.aiohttp``, loaded only for an aiodocker client (aiohttp is an optional extra)."""
    from .. import aiohttp

    return aiohttp


def _deferring(session: requests.Session) -> Callable[..., requests.Response]:
    """``Session.send`` for a docker-py client, letting the adapter put off encoding normalised bodies.

    requests reads the body of every answer the caller did not ask to stream, inside ``Session.send``,
    right after the adapter gave it back: the adapter would have to encode each normalised document again,
    although docker-py only ever asks for ``response.json()``, which the adapter holds decoded. Sent as a
    stream, the answer comes back unread; a JSON answer the adapter normalised is read already and gets its
    new body written only if something reads it (``content``, ``text``...); every other answer is read here
    when the caller did not ask to stream, as requests would have.
    """

    # The session's own ``send`` is looked up at every call, not bound now: an instrumentation that
    # patches ``requests.Session.send`` later (OpenTelemetry's RequestsInstrumentor) must still see every
    # request. A ``send`` set on the instance before (someone else's wrapper) is kept and called.
    own = session.__dict__.get("send")
    cls = type(session)

    def send_(request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        stream = kwargs.get("stream", session.stream)
        kwargs["stream"] = True
        token = _DEFER.set(True)
        try:
            response = own(request, **kwargs) if own is not None else cls.send(session, request, **kwargs)
        finally:
            _DEFER.reset(token)
        if not stream and "_ne_body" not in response.__dict__:
            response.content  # noqa: B018  # what requests does for an answer not streamed
        return response

    send_._ne_deferring = True  # type: ignore[attr-defined]
    return send_
