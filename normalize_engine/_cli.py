"""The ``normalize-engine`` command (also ``python -m normalize_engine``): demo, normalize, changes, probe.

Exit codes: 0 success, 2 usage errors (argparse's), 1 anything else, always with one line on stderr that says
what to do. Only the standard library is used on top of the package itself.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import sys
import urllib.parse
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import IO, Any, NoReturn

from packaging.version import Version

from . import __version__
from ._changes import find_endpoint, render_markdown, render_text, sections, to_json, underivable_rows
from ._endpoints import Kind
from ._errors import NormalizeError
from ._normalize import NEWEST, decode, make_plan, normalize, normalize_stream
from ._versions import parse_version

__all__ = ["main"]

PROG = "normalize-engine"
OLDEST_PROBED = Version("1.18")
PROBE_PATHS = ("/containers/json?all=1", "/images/json", "/info", "/networks", "/volumes")
DEMO_LINES = 3  # diff lines per sample on the demo's first screen
PROBE_LINES = 5  # lines per kind and answer in probe's report


class CliError(Exception):
    """A user error: printed as one line, exit status 1."""


# ------------------------------------------------------------------------------------------ output


TIMES = "\u00d7"  # the multiplication sign, in "(x3)"
_ASCII = str.maketrans({"→": "->", "…": "...", TIMES: "x", "·": "-"})


def _out(text: str = "") -> None:
    if _ascii_only():
        text = text.translate(_ASCII).encode("ascii", "backslashreplace").decode("ascii")
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"{PROG}: {text}\n")


def _ascii_only() -> bool:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return not encoding.startswith("utf")


def _dumps(value: Any, *, compact: bool = False) -> str:
    if compact:
        return json.dumps(value, ensure_ascii=_ascii_only(), separators=(",", ":"))
    return json.dumps(value, ensure_ascii=_ascii_only(), indent=2)


def _width() -> int:
    return min(110, shutil.get_terminal_size((100, 24)).columns)


# ------------------------------------------------------------------------------------------ diffs


@dataclass(frozen=True)
class Delta:
    """A difference between an answer and its normalised form: ``+`` added, ``-`` removed, ``~`` converted."""

    op: str
    path: tuple[str | int, ...]
    old: Any = None
    new: Any = None


def diff(old: Any, new: Any, path: tuple[str | int, ...] = ()) -> Iterator[Delta]:
    """What changed from ``old`` to ``new``, key by key (arrays of equal length item by item)."""
    if type(old) is dict and type(new) is dict:
        for key, value in old.items():
            if key not in new:
                yield Delta("-", (*path, key), value)
            else:
                yield from diff(value, new[key], (*path, key))
        for key, value in new.items():
            if key not in old:
                yield Delta("+", (*path, key), None, value)
    elif type(old) is list and type(new) is list and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from diff(a, b, (*path, index))
    elif type(old) is not type(new) or old != new:
        yield Delta("~", path, old, new)


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def format_path(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int) or part == "*":
            out += f"[{part}]"
        elif part == ".*":
            out += ".*"
        elif _ID_KEY.match(part):
            out += f"[{part[:12]}…]"
        elif _NAME.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out or "(the whole document)"


def abbreviate(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


_ID_KEY = re.compile(r"^[0-9a-f]{12,64}$")


def _pattern(path: Sequence[str | int]) -> tuple[str | int, ...]:
    """A path with array indices and id-like map keys (container ids in ``Networks``) made ``*``."""
    return tuple("*" if isinstance(p, int) else ".*" if _ID_KEY.match(p) else p for p in path)


def _grouped(deltas: Iterable[Delta]) -> list[tuple[str, tuple[str | int, ...], list[Delta]]]:
    groups: dict[tuple[str, tuple[str | int, ...]], list[Delta]] = {}
    for delta in deltas:
        groups.setdefault((delta.op, _pattern(delta.path)), []).append(delta)
    return [
        (op, pattern if len(items) > 1 else items[0].path, items) for (op, pattern), items in groups.items()
    ]


def summarize(deltas: Iterable[Delta]) -> list[str]:
    """Readable diff lines; the same change at the same key of every array item is one line with a count."""
    lines = []
    order = {"+": 0, "~": 1, "-": 2}  # what was derived first: it is the news
    for op, path, items in sorted(_grouped(deltas), key=lambda group: order[group[0]]):
        first, where = items[0], format_path(path)
        if op == "+":
            line = f"+ {where} = {abbreviate(first.new)}"
        elif op == "-":
            line = f"- {where}"
        else:
            line = f"~ {where}: {abbreviate(first.old, 30)} → {abbreviate(first.new, 30)}"
        if len(items) > 1:
            line += f"  ({TIMES}{len(items)})"
        lines.append(line)
    return lines


def _fit(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


# The keys users meet in bug reports, in the order the first screen shows them: what the library derives
# (DNSNames, State.Status, event Type/Action/Actor, online_cpus, Mounts), converts, and removes.
FAMOUS = ("DNSNames", "Status", "Type", "Action", "Actor", "online_cpus", "Mounts", "RepoTags", "IPAddress")


def _famous_rank(path: Sequence[str | int]) -> int:
    for part in reversed(path):
        if isinstance(part, str) and part in FAMOUS:
            return FAMOUS.index(part)
    return len(FAMOUS)


def _holds_famous(value: Any) -> bool:
    return type(value) is dict and any(k in FAMOUS or _holds_famous(v) for k, v in value.items())


def _expanded(deltas: Iterable[Delta]) -> Iterator[Delta]:
    """Added objects holding a famous key, as their keys: ``+ Networks.x.DNSNames``, not ``+ Networks``."""
    for delta in deltas:
        if delta.op == "+" and _holds_famous(delta.new):
            yield from _expanded(Delta("+", (*delta.path, k), None, v) for k, v in delta.new.items())
        else:
            yield delta


def _empty(value: Any) -> bool:
    return value is None or (type(value) in (str, list, dict, int, float, bool) and not value)


def highlights(deltas: Iterable[Delta], width: int) -> list[str]:
    """The diff for the first screen: what was derived (added keys with a value), converted, removed, the
    famous keys first in each; removals of one object on one line
    (``- NetworkSettings.{IPAddress, Gateway, …}  (16 keys)``). Keys added empty are left to ``--endpoint``.
    """
    order = {"+": 0, "~": 1, "-": 2}
    groups = [
        group for group in _grouped(_expanded(deltas)) if not (group[0] == "+" and _empty(group[2][0].new))
    ]
    groups.sort(key=lambda group: (order[group[0]], _famous_rank(group[1])))
    # Each entry is a finished line, or the parent of removed keys that become one line where it first shows.
    entries: list[str | tuple[str | int, ...]] = []
    removed: dict[tuple[str | int, ...], list[tuple[tuple[str | int, ...], list[Delta]]]] = {}
    for op, path, items in groups:
        if op != "-":
            entries.extend(summarize(items))
            continue
        if path[:-1] not in removed:
            removed[path[:-1]] = []
            entries.append(path[:-1])
        removed[path[:-1]].append((path, items))
    return [entry if isinstance(entry, str) else _removals(entry, removed[entry], width) for entry in entries]


def _removals(
    parent: tuple[str | int, ...], found: list[tuple[tuple[str | int, ...], list[Delta]]], width: int
) -> str:
    """``- NetworkSettings.{IPAddress, Bridge, …}  (14 keys)``: the keys removed from one object."""
    if len(found) == 1:
        return summarize(found[0][1])[0]
    counts = {len(items) for _, items in found}
    times = f", {TIMES}{counts.pop()}" if len(counts) == 1 and 1 not in counts else ""
    suffix = f"}}  ({len(found)} keys{times})"
    head = format_path(parent) + "." if parent else ""
    text = f"- {head}{{"
    names = [format_path(path[-1:]) for path, _ in sorted(found, key=lambda item: _famous_rank(item[0]))]
    for index, name in enumerate(names):
        more = ", …" if index < len(names) - 1 else ""
        if len(text) + 2 + len(name) + len(more) + len(suffix) + 2 > width:  # 2 + 2: ", " and the indent
            return text + ", …" + suffix
        text += ("" if index == 0 else ", ") + name
    return text + suffix


# ------------------------------------------------------------------------------------------ demo


def load_demo() -> dict[str, Any]:
    try:
        text = (resources.files("normalize_engine") / "_data" / "demo.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise CliError(
            f"the demo data is missing from this installation ({exc}); reinstall normalize-engine, or in a "
            "checkout run `python tools/make_demo_data.py`"
        ) from None
    data: dict[str, Any] = json.loads(text)
    return data


def _normalize_sample(sample: dict[str, Any]) -> tuple[Any, Any]:
    """``(the recorded answer, its normalised form)``; streams as lists of documents."""
    path, method, body = sample["path"], sample["method"], sample["body"]
    if sample.get("stream"):
        before = list(_documents(body))
        after = list(normalize_stream([body.encode("utf-8")], path, method=method))
        return before, after
    return decode(body), normalize(body, path, method=method, status=sample.get("status", 200))


def _documents(text: str) -> Iterator[Any]:
    decoder = json.JSONDecoder()
    index = 0
    while True:
        while index < len(text) and text[index] in " \t\r\n\x1e":
            index += 1
        if index >= len(text):
            return
        document, index = decoder.raw_decode(text, index)
        yield document


def _short_ids(path: str) -> str:
    return re.sub(r"\b([0-9a-f]{12})[0-9a-f]{52}\b", r"\1", path)


def _pick_samples(samples: list[dict[str, Any]], key: str | None) -> list[dict[str, Any]]:
    if key is None:
        return samples
    chosen = [s for s in samples if key in (s["id"], s["endpoint"], s["title"], s.get("exchange"))]
    if not chosen:
        try:
            endpoint, _ = find_endpoint(key)
        except NormalizeError:
            endpoint = None
        chosen = [s for s in samples if s["endpoint"] == endpoint]
    if not chosen:
        known = ", ".join(sorted({s["endpoint"] for s in samples}))
        raise CliError(f"no demo sample for {key!r}: the demo has {known}")
    return chosen


DEMO_WIDTH = 80  # the first screen fits a classic terminal: 80 columns, 24 lines


def _demo_header(sample: dict[str, Any]) -> str:
    request = f"{sample['method']} {_short_ids(sample['path'].split('?')[0])}"
    return f"{sample['daemon']} · {sample['title']} · {request}"


def _ablated_line(sample: dict[str, Any], before: Any, after: Any, width: int) -> str:
    """One line for a sample taken back to an older shape: what the library derived for the keys taken out."""
    removed = [tuple(p.split(".")) for p in sample["ablated"]["removed"]]

    def taken_out(delta: Delta) -> bool:
        keys = tuple(p for p in delta.path if isinstance(p, str))
        return any(keys[-len(r) :] == r for r in removed)

    derived = [d for d in diff(before, after) if d.op == "+" and taken_out(d)]
    seen: set[tuple[str | int, ...]] = set()
    parts = []
    for delta in derived:
        path = tuple(p for p in _pattern(delta.path) if p != "*")  # "Type", not "[*].Type": one per document
        if path in seen:
            continue
        seen.add(path)
        parts.append(f"{format_path(path)} = {abbreviate(delta.new, 24)}")
    what = f"{sample['title']}, {sample['ablated']['as']}"
    return _fit(f"  {what}: + " + "; ".join(parts) if parts else f"  {what}: nothing derived", width)


def cmd_demo(args: argparse.Namespace) -> int:
    data = load_demo()
    samples = _pick_samples(list(data["samples"]), args.endpoint)
    real = [s for s in samples if not s.get("ablated")]
    ablated = [s for s in samples if s.get("ablated")]
    if args.endpoint or args.json:
        return _demo_in_full(samples, args)
    width = min(DEMO_WIDTH, _width())
    daemons = " and ".join(dict.fromkeys(s["daemon"].removeprefix("Docker ") for s in real))
    _out(_fit(f"Real answers of Docker {daemons}, normalised to API {NEWEST}:", width))
    _out(_fit("+ added or derived, ~ converted, - removed; [*] is every item of an array", width))
    for sample in real:
        before, after = _normalize_sample(sample)
        lines = highlights(diff(before, after), width)
        _out(_fit(_demo_header(sample), width))
        if not lines:
            _out(f"  (nothing to change: the answer already has the API {NEWEST} shape)")
        for line in lines[:DEMO_LINES]:
            _out(_fit(f"  {line}", width))
    if ablated:
        _out()
        _out(_fit("Derived where older daemons left them out (real answers, the field taken out):", width))
        for sample in ablated:
            before, after = _normalize_sample(sample)
            _out(_ablated_line(sample, before, after, width))
    example = real[0]["id"] if real else samples[0]["id"]
    _out()
    hints = [(f"demo --endpoint {example}", "in full"), ("changes", "every change"), ("probe", "your daemon")]
    pad = max(len(command) for command, _ in hints)
    for index, (command, what) in enumerate(hints):
        _out(_fit(f"{'Next:' if index == 0 else '':5} {PROG} {command:{pad}}  ({what})", width))
    return 0


def _demo_in_full(samples: list[dict[str, Any]], args: argparse.Namespace) -> int:
    """``demo --endpoint KEY`` or ``demo --json``: every change of each sample, and its canonical JSON."""
    width = _width()
    _out(f"Real answers recorded from Docker daemons, normalised to API {NEWEST} (the newest):")
    _out("+ added, - removed, ~ converted; [*] is every item of an array, .* every value of a map.")
    for sample in samples:
        before, after = _normalize_sample(sample)
        lines = summarize(diff(before, after))
        count = sum(1 for _ in diff(before, after))
        _out()
        _out(_fit(f"{_demo_header(sample)} · {count} change{'s' * (count != 1)}", width))
        if sample.get("ablated"):
            taken = ", ".join(sample["ablated"]["removed"])
            _out(
                _fit(f"  (a real answer with {taken} taken out, as {sample['ablated']['as']} sent it)", width)
            )
        if sample.get("trimmed"):
            _out(_fit(f"  ({sample['trimmed']} of the recorded answer)", width))
        if not lines:
            _out(f"  (nothing to change: the answer already has the API {NEWEST} shape)")
        for line in lines:
            _out(_fit(f"  {line}", width))
        if args.json:
            _out(_dumps(after))
    return 0


# ------------------------------------------------------------------------------------------ normalize


def _open_input(name: str) -> IO[bytes]:
    if name == "-":
        return sys.stdin.buffer
    try:
        return open(name, "rb")
    except OSError as exc:
        raise CliError(
            f"cannot read {name}: {exc.strerror or exc}; give a file of JSON, or - for stdin"
        ) from None


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    read = getattr(stream, "read1", stream.read)
    while True:
        chunk = read(65536)
        if not chunk:
            return
        yield chunk


def _report_warnings(caught: list[warnings.WarningMessage]) -> None:
    for item in caught:
        _err(f"warning: {item.message}")


def cmd_normalize(args: argparse.Namespace) -> int:
    plan = make_plan(args.method, args.path, version=args.version, target=args.target)
    if plan.kind is Kind.RAW and args.status < 400:
        raise CliError(
            f"{plan.method} {plan.path} answers raw bytes (logs, archives, attach), not JSON: there is "
            "nothing to normalise"
        )
    stream = _open_input(args.file)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if plan.kind is Kind.STREAM and args.status < 400:
                    for document in normalize_stream(
                        _chunks(stream),
                        args.path,
                        method=args.method,
                        version=args.version,
                        target=args.target,
                    ):
                        sys.stdout.write(_dumps(document, compact=True) + "\n")
                        sys.stdout.flush()
                else:
                    body = stream.read()
                    result = normalize(
                        body,
                        args.path,
                        method=args.method,
                        status=args.status,
                        version=args.version,
                        target=args.target,
                    )
                    _out(_dumps(result, compact=args.compact))
            finally:
                _report_warnings(caught)
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if plan.endpoint is None:
        _err(
            f"warning: no Engine API endpoint answers {plan.method} {plan.path}; "
            "the JSON was printed unchanged"
        )
    return 0


# ------------------------------------------------------------------------------------------ changes


def cmd_changes(args: argparse.Namespace) -> int:
    endpoint = prefix = None
    if args.endpoint:
        endpoint, prefix = find_endpoint(args.endpoint)
    since = args.since if args.since is not None else prefix
    if since is not None and args.until is not None and parse_version(since) >= parse_version(args.until):
        where = f"--since {since}" if args.since is not None else f"the path's /v{since}"
        raise CliError(
            f"{where} is not older than --until {args.until}: no change comes after API {since} and up to "
            f"API {args.until}; give --since an older version than --until"
        )
    found = sections(since=since, until=args.until, endpoint=endpoint)
    if args.format == "json":
        _out(_dumps(to_json(found)))
        return 0
    if args.format == "markdown":
        sys.stdout.write(render_markdown(found))
        return 0
    count = sum(len(s.changes) for s in found)
    scope = []
    if endpoint:
        scope.append(f"for {endpoint} answers")
    if since:
        scope.append(f"after API {parse_version(since)}")
    if args.until:
        scope.append(f"up to API {parse_version(args.until)}")
    header = " ".join([f"{count} response change{'s' * (count != 1)}", *scope])
    _out(header + (":" if count else "."))
    if count:
        _out()
        sys.stdout.write(render_text(found, width=_width()))
    return 0


# ------------------------------------------------------------------------------------------ probe


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.unix_path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


@dataclass(frozen=True)
class Daemon:
    host: str
    timeout: float

    def connection(self) -> http.client.HTTPConnection:
        host = self.host
        if host.startswith("/"):
            return _UnixConnection(host, self.timeout)
        url = urllib.parse.urlsplit(host)
        if url.scheme == "unix":
            return _UnixConnection((url.netloc + url.path) or "/var/run/docker.sock", self.timeout)
        if url.scheme in ("tcp", "http") and url.hostname:
            return http.client.HTTPConnection(url.hostname, url.port or 2375, timeout=self.timeout)
        if url.scheme == "https" and url.hostname:
            return http.client.HTTPSConnection(url.hostname, url.port or 2376, timeout=self.timeout)
        raise CliError(
            f"--host {host!r} is not a daemon address: use unix:///var/run/docker.sock or tcp://HOST:2375"
        )

    def get(self, path: str) -> tuple[int, bytes]:
        conn = self.connection()
        try:
            conn.request("GET", path, headers={"Host": "docker", "Accept": "application/json"})
            response = conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            reason = (
                exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
            )
            if isinstance(exc, TimeoutError | socket.timeout):
                reason = f"no answer within {self.timeout:g}s"
            elif isinstance(exc, PermissionError):
                raise CliError(
                    f"permission denied on {self.host}: run as a member of the docker group, or with sudo"
                ) from None
            raise CliError(
                f"no Docker daemon answers at {self.host} ({reason}); start one, or point --host or "
                "DOCKER_HOST at it"
            ) from None
        finally:
            conn.close()

    def get_json(self, path: str) -> tuple[int, Any]:
        status, body = self.get(path)
        if status >= 400:
            return status, normalize(body, path, status=status)
        try:
            return status, json.loads(body)
        except ValueError:
            raise CliError(f"{self.host} answered GET {path} with something that is not JSON") from None


def shape(value: Any) -> Any:
    """A JSON value with every leaf replaced by its type: two answers of one structure have equal shapes.

    Array items are sorted by their shape: daemons list containers, mounts or networks in no stable order.
    """
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((shape(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def underivable_fields(path: str, oldest: Version, target: Version) -> dict[tuple[str, ...], str]:
    """``{field: reason}`` of the fields the change table lists as underivable for ``GET path``, for answers
    at ``oldest`` brought to ``target``: their absence after normalising is what the library promises. A
    field is its keys, ``*`` for any array item or map value (``("Runtimes", "*", "status")``)."""
    endpoint = make_plan("GET", path).endpoint
    if endpoint is None or oldest >= target:
        return {}
    out = {}
    for row in underivable_rows(sections(since=oldest, until=target, endpoint=endpoint.name)):
        keys = row.field.replace("[]", ".*").split(".")
        out[tuple(k for k in keys if k)] = row.reason
    return out


def _inside(path: Sequence[str | int], field: tuple[str, ...], many: bool) -> bool:
    """Whether a difference at ``path`` lies in ``field`` (declared per item for list endpoints)."""
    parts = list(_pattern(path))
    if many and parts and parts[0] == "*":
        parts = parts[1:]
    if len(parts) < len(field):
        return False
    return all(want == "*" or got == want for want, got in zip(field, parts, strict=False))


def _structure_lines(
    normalised: Any, newest: Any, expected: dict[tuple[str, ...], str] | None = None, many: bool = False
) -> tuple[list[str], list[str]]:
    """``(differences, expected differences)``: the second are inside fields the change table lists as
    underivable, which an old answer cannot tell (``SystemTime`` of ``/info`` before API 1.19, ...)."""
    out, known = [], []
    for op, path, items in _grouped(diff(shape(normalised), shape(newest))):
        where = format_path(path)
        if op == "+":
            line = f"missing after normalising: {where}"
        elif op == "-":
            line = f"extra after normalising: {where}"
        else:
            line = f"differs: {where}: {abbreviate(items[0].old, 30)} vs {abbreviate(items[0].new, 30)}"
        line += f"  ({TIMES}{len(items)})" if len(items) > 1 else ""
        if any(_inside(path, field, many) for field in (expected or {})):
            known.append(line)
        else:
            out.append(line)
    return out, known


def cmd_probe(args: argparse.Namespace) -> int:
    host = args.host or os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    daemon = Daemon(host, args.timeout)
    status, version = daemon.get_json("/version")
    if status >= 400 or not isinstance(version, dict) or "ApiVersion" not in version:
        raise CliError(f"{host} did not answer GET /version like a Docker daemon (status {status})")
    newest = parse_version(str(version["ApiVersion"]))
    oldest = max(parse_version(str(version.get("MinAPIVersion") or "1.24")), OLDEST_PROBED)
    target = min(newest, NEWEST)
    width = _width()
    name = (version.get("Platform") or {}).get("Name") or "Docker Engine"
    _out(f"{host}: {name} {version.get('Version', '?')}, API {oldest} to {newest}")
    if newest > NEWEST:
        _out(f"  (API {newest} is newer than this library knows: answers are normalised to {NEWEST})")
    if oldest >= newest:
        _out(f"The daemon serves only API {newest}: there is no older answer to compare.")
        return 0
    _out(f"Each answer at API {oldest}, normalised to {target}, against the daemon's own answer at {newest}:")
    for path in PROBE_PATHS:
        old_path, new_path = f"/v{oldest}{path}", f"/v{newest}{path}"
        old_status, old = daemon.get_json(old_path)
        new_status, new = daemon.get_json(new_path)
        _out()
        _out(f"GET {path}")
        if old_status >= 400 or new_status >= 400:
            failed = (old_status, oldest, old) if old_status >= 400 else (new_status, newest, new)
            _out(_fit(f"  answered {failed[0]} at API {failed[1]}: {failed[2].get('message', '')}", width))
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            normalised = normalize(old, old_path, target=str(target))
            newest_normalised = normalize(new, new_path, target=str(target))
        _report_warnings(caught)
        changes = summarize(diff(old, normalised))
        count = sum(1 for _ in diff(old, normalised))
        endpoint = make_plan("GET", old_path).endpoint
        structure, known = _structure_lines(
            normalised,
            newest_normalised,
            underivable_fields(old_path, oldest, target),
            many=bool(endpoint and endpoint.many),
        )
        verdict = (
            f"same structure as the API {newest} answer"
            if not structure
            else f"{len(structure)} structural difference{'s' * (len(structure) != 1)} from the API "
            f"{newest} answer"
        )
        if known:
            verdict += f", and {len(known)} expected"
        _out(_fit(f"  {count} change{'s' * (count != 1)}; {verdict}", width))
        for line in changes[:PROBE_LINES]:
            _out(_fit(f"    {line}", width))
        if len(changes) > PROBE_LINES:
            _out(f"    … {len(changes) - PROBE_LINES} more")
        for line in structure[:PROBE_LINES]:
            _out(_fit(f"    ! {line}", width))
        if len(structure) > PROBE_LINES:
            _out(f"    ! … {len(structure) - PROBE_LINES} more")
        for line in known[:PROBE_LINES]:
            _out(_fit(f"    = expected (cannot be derived): {line}", width))
        if len(known) > PROBE_LINES:
            _out(f"    = … {len(known) - PROBE_LINES} more expected; see {PROG} changes --endpoint {path}")
    return 0


# ------------------------------------------------------------------------------------------ parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}; see {self.prog} --help\n")


class _Formatter(argparse.HelpFormatter):
    """Wrapped descriptions, examples as written, and the command list without argparse's metavar line."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=18, width=min(100, shutil.get_terminal_size().columns))

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        self._action_max_length = max(self._action_max_length, 14)  # room for the command names

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("example"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        if isinstance(action, argparse._SubParsersAction):
            text = text.partition("\n")[2]
        return text


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Docker Engine API responses from any daemon version (API 1.18 to "
        f"{NEWEST}), in the newest version's shape.",
        epilog="examples:\n"
        f"  {PROG} demo        what the library does, on real answers of old and new daemons\n"
        f"  curl -s --unix-socket /var/run/docker.sock http://d/v1.41/containers/json \\\n"
        f"    | {PROG} normalize - --path /v1.41/containers/json",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__} (API {NEWEST})")
    commands = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", parser_class=_Parser
    )
    commands.required = True

    demo = commands.add_parser(
        "demo",
        help="show what the library changes in real recorded answers (no daemon needed)",
        description="Normalise answers recorded from real Docker daemons (shipped with the package) and show "
        "what changed: + added, - removed, ~ converted.",
    )
    demo.add_argument("--json", action="store_true", help="also print the canonical JSON of each answer")
    demo.add_argument(
        "--endpoint", metavar="KEY", help="only the samples of this endpoint (e.g. images.list), in full"
    )
    demo.set_defaults(run=cmd_demo)

    norm = commands.add_parser(
        "normalize",
        help="print a response (a file or stdin) in the newest API version's shape",
        description="Print a Docker Engine API response in the target API version's shape. Streams "
        "(events, stats, pull/push/build/load progress) are read and written as JSON lines.",
        epilog=f"example: {PROG} normalize events.jsonl --path /v1.24/events",
        formatter_class=_Formatter,
    )
    norm.add_argument("file", metavar="FILE", help="the response body, or - for stdin")
    norm.add_argument(
        "--path",
        required=True,
        help="the request path, e.g. /v1.41/containers/json (its /vX.Y is the version)",
    )
    norm.add_argument("--method", default="GET", help="the request method (default: GET)")
    norm.add_argument("--status", type=int, default=200, help="the response status; >= 400 is an error body")
    norm.add_argument("--version", help="the source API version when the path has no /vX.Y prefix")
    norm.add_argument("--target", help=f"the API version to produce (default: {NEWEST})")
    norm.add_argument("--compact", action="store_true", help="one line of JSON instead of indented")
    norm.set_defaults(run=cmd_normalize)

    changes = commands.add_parser(
        "changes",
        help="list the response changes the library applies, per API version",
        description="The response changes the library applies, per API version, from the schemas' "
        "docstrings. An answer at version V goes through every change after V.",
        epilog=f"example: {PROG} changes --endpoint /v1.41/containers/abc/json",
        formatter_class=_Formatter,
    )
    changes.add_argument(
        "--since", metavar="V", help="only the changes after API V (what an answer at V gets)"
    )
    changes.add_argument("--until", metavar="V", help="only the changes up to API V, included")
    changes.add_argument(
        "--endpoint",
        metavar="NAME_OR_PATH",
        help="an endpoint name (containers.inspect) or a request path; a /vX.Y prefix sets --since",
    )
    changes.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="text for reading (default), markdown as in docs/api-changes.md, or json for programs",
    )
    changes.set_defaults(run=cmd_changes)

    probe = commands.add_parser(
        "probe",
        help="compare a live daemon's oldest and newest answers through the library (read-only)",
        description="Ask a live daemon a few read-only questions at the oldest API version it serves and "
        "at its newest; show what normalising the old answers changes, and whether they then match the new.",
    )
    probe.add_argument("--host", help="the daemon (default: $DOCKER_HOST, else unix:///var/run/docker.sock)")
    probe.add_argument("--timeout", type=_positive, default=10.0, help="seconds per request (default: 10)")
    probe.set_defaults(run=cmd_probe)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (argparse's usage errors and --help included)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    try:
        status: int = args.run(args)
    except (CliError, NormalizeError) as exc:
        sys.stdout.flush()
        _err(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`| head`): stop quietly; point stdout at devnull so the exit flush is silent
        devnull = os.open(os.devnull, os.O_WRONLY)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status
