"""API 1.18 (Docker 1.6).

The oldest shape the library reads: it has no changes of its own, every later module carries an
answer forward from here.
"""
