"""API 1.53 (Docker 29.2).

Docker 29.0 and 29.1 sent some empty addresses as `""` where older and newer daemons leave the key out (the
`netip` types they switched to ignore `omitempty`; moby/moby#51890, fixed by commit 62c1a719b3 in 29.2), and
`"MemorySwappiness": null` in swarm resources (a broken struct tag, fixed by commit 6c845ded18 in 29.2). Those
are daemon-build bugs, not versioned: the changes below remove them from answers of any version.
"""

from __future__ import annotations

from normalize_engine.changes import Change, Each, Nested, OmittedWhen, Shape, Values

# ---------------------------------------------------------------------------- empty addresses of 29.0-29.1


class NetworkIPAMEmptyAddresses(Change):
    """Networks leave `Subnet`, `IPRange` and `Gateway` out of `IPAM.Config` entries that do not set them,
    instead of sending `""` as Docker 29.0 and 29.1 did."""

    endpoint = ("networks.list", "networks.inspect")
    versioned = False
    IPAM = Nested(Config=Each(Subnet=OmittedWhen(""), IPRange=OmittedWhen(""), Gateway=OmittedWhen("")))


class _NetworkSettings(Shape):
    Networks = Values(IPAMConfig=Nested(IPv4Address=OmittedWhen(""), IPv6Address=OmittedWhen("")))


class _Container(Shape):
    NetworkSettings = Nested(_NetworkSettings)


class ContainerIPAMEmptyAddresses(Change):
    """A container's networks leave `IPAMConfig.IPv4Address` and `IPAMConfig.IPv6Address` out when no
    address was asked for, instead of sending `""` as Docker 29.0 and 29.1 did."""

    endpoint = ("containers.inspect", "containers.list")
    versioned = False
    NetworkSettings = Nested(_NetworkSettings)


class DiskUsageIPAMEmptyAddresses(Change):
    """`/system/df` lists containers without the `""` addresses of Docker 29.0 and 29.1 in their networks'
    `IPAMConfig`, in `Containers` and in `ContainerUsage.Items`."""

    endpoint = "system.df"
    versioned = False
    Containers = Each(_Container)
    ContainerUsage = Nested(Items=Each(_Container))


class _SwarmIPAMOptions(Shape):
    Configs = Each(Subnet=OmittedWhen(""), Range=OmittedWhen(""), Gateway=OmittedWhen(""))


class ServiceEmptyAddresses(Change):
    """Services leave `Addr` out of `Endpoint.VirtualIPs` entries without one, instead of sending `""` as
    Docker 29.0 and 29.1 did."""

    endpoint = ("services.list", "services.inspect")
    versioned = False
    Endpoint = Nested(VirtualIPs=Each(Addr=OmittedWhen("")))


class TaskEmptyAddresses(Change):
    """Tasks leave `Subnet`, `Range` and `Gateway` out of their networks' IPAM configurations
    (`NetworksAttachments[].Network.Spec.IPAMOptions.Configs`, `...Network.IPAMOptions.Configs`) when they
    are not set, instead of sending `""` as Docker 29.0 and 29.1 did."""

    endpoint = ("tasks.list", "tasks.inspect")
    versioned = False
    NetworksAttachments = Each(
        Network=Nested(
            Spec=Nested(IPAMOptions=Nested(_SwarmIPAMOptions)),
            IPAMOptions=Nested(_SwarmIPAMOptions),
        ),
    )


# ------------------------------------------------------------------- MemorySwappiness null of 29.0-29.1


class _TaskSpec(Shape):
    Resources = Nested(MemorySwappiness=OmittedWhen(None))


class _ServiceSpec(Shape):
    TaskTemplate = Nested(_TaskSpec)


class ServiceMemorySwappinessNull(Change):
    """Services leave `TaskTemplate.Resources.MemorySwappiness` out (in `Spec` and `PreviousSpec`) when it
    is not set, instead of sending `null` as Docker 29.0 and 29.1 did."""

    endpoint = ("services.list", "services.inspect")
    versioned = False
    Spec = Nested(_ServiceSpec)
    PreviousSpec = Nested(_ServiceSpec)


class TaskMemorySwappinessNull(Change):
    """Tasks leave `Spec.Resources.MemorySwappiness` out when it is not set, instead of sending `null` as
    Docker 29.0 and 29.1 did."""

    endpoint = ("tasks.list", "tasks.inspect")
    versioned = False
    Spec = Nested(_TaskSpec)


# ------------------------------------------------------------------------------------------- new fields


class InfoNRI(Change):
    """`/info` adds `NRI`, the Node Resource Interface's settings, when the daemon has NRI enabled."""

    endpoint = "system.info"
    underivable = {
        "NRI": "below 1.53 the daemon leaves it out (and daemons before Docker 29.2 have no NRI support): an "
        "older answer does not say whether NRI is enabled"
    }


class ImageIdentity(Change):
    """Image inspect adds `Identity`: what is known about where the image comes from (its signatures, the
    repositories it was pulled from, the builds that made it), on daemons that use the containerd image
    store."""

    endpoint = "images.inspect"
    underivable = {
        "Identity": "the daemon computes it from the signatures and provenance in its image store; an older "
        "answer holds none of it"
    }
