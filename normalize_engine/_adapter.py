"""Compatibility: the requests adapter lives in :mod:`normalize_engine.transports.requests_adapter`, over
the transport-neutral :mod:`normalize_engine.transports.core`."""

from __future__ import annotations

from .transports.requests_adapter import NormalizingAdapter
from .transports.urllib3_raw import StreamingRaw

__all__ = ["NormalizingAdapter", "StreamingRaw"]
