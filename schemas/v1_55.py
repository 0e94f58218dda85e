"""API 1.55 (Docker 29.6 and 29.7).

No response changes: `GET /images/{name}/attestations` is a new endpoint (older daemons do not have it, so
there is nothing to carry forward), and the blkio settings of `POST /containers/{id}/update` are request
fields.
"""
