"""Transports: thin layers that put normalisation between a client and the daemon.

::

    core.py              what an answer is (decide), failing open, error- and JSON-body rewriting, encoders
    streams.py           StreamConverter: a JSON stream converted document by document as bytes arrive
    urllib3_raw.py       StreamingRaw: a stand-in for a requests/urllib3 ``response.raw`` of a JSON stream
    requests_adapter.py  NormalizingAdapter: the requests transport adapter
    requests_response.py the response it hands back (json() without decoding twice, bodies written late)
    docker_py.py         mount() and wrap(): the adapter in front of a session or a docker-py client

A new transport (httpx, aiohttp) is one module beside ``requests_adapter.py``: it asks
:func:`core.decide` what to do, reads the body or not, and calls the core's rewriting functions or feeds a
:class:`streams.StreamConverter`; it holds no decisions of its own. Only the core and ``streams`` are
imported by every transport; the rest import requests, which ``import normalize_engine`` loads only on
first use of the names that need it.
"""
