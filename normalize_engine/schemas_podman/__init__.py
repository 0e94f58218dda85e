"""Podman's dialect: what Podman's Docker-compatible API sends differently from Docker, carried to Docker's
shape (the content of :data:`normalize_engine._registry.PODMAN`).

Podman answers the same shape at every API version prefix, so the dialect is one module, ``v1_18``, whose
changes run on every Podman answer, before Docker's chain from the answer's ``Api-Version`` to the target.
Each change's docstring names the Podman versions (of the recorded 4.3.1, 5.4.2, 5.8.6 and 6.1.1) that send
what.
"""
