"""Controlled documents, their versions and the approval lifecycle."""
