"""The response changes of every Docker Engine API version, one module per version.

``v1_44.py`` holds what API 1.44 changed in responses, as :class:`normalize_engine.changes.Change` classes;
the registry finds the modules by name. To support a new API version, add its module here: nothing else.
"""
