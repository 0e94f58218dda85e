"""API 1.53 changes that no recorded answer holds (Docker 29.0 and 29.1 sent `""` addresses): the answers
below are written by hand as such a daemon sends them, at API 1.52."""

from __future__ import annotations

from typing import Any

import normalize_engine as ne


def _container(address: str) -> dict[str, Any]:
    endpoint = {"IPAMConfig": {"IPv4Address": address, "IPv6Address": ""}, "NetworkID": "n1"}
    return {"Id": "ab" * 32, "NetworkSettings": {"Networks": {"app": endpoint}}}


def _normalised(container: dict[str, Any]) -> dict[str, Any]:
    config = {k: v for k, v in container["NetworkSettings"]["Networks"]["app"]["IPAMConfig"].items() if v}
    return {**container, "NetworkSettings": {"Networks": {"app": {"IPAMConfig": config, "NetworkID": "n1"}}}}


def test_disk_usage_lists_containers_without_empty_ipam_addresses() -> None:
    containers = [_container(""), _container("10.0.0.5")]
    old = {"Containers": containers, "ContainerUsage": {"Items": containers}}
    new = ne.normalize(old, "/v1.52/system/df")
    expected = [_normalised(c) for c in containers]
    assert new["Containers"] == expected and new["ContainerUsage"]["Items"] == expected
    assert ne.normalize(new, "/v1.52/system/df") == new


def test_services_leave_out_empty_virtual_ip_addresses() -> None:
    old = {
        "ID": "s1",
        "Endpoint": {
            "VirtualIPs": [{"NetworkID": "n1", "Addr": ""}, {"NetworkID": "n2", "Addr": "10.0.0.2/24"}]
        },
    }
    new = {
        "ID": "s1",
        "Endpoint": {"VirtualIPs": [{"NetworkID": "n1"}, {"NetworkID": "n2", "Addr": "10.0.0.2/24"}]},
    }
    assert ne.normalize(old, "/v1.52/services/s1") == new
    assert ne.normalize([old], "/v1.52/services") == [new]
