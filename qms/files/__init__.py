"""Uploaded files: the checks an upload passes, the content-addressed store, downloads."""
