"""qms — ISO 9001 document control for Vietnamese state administrative agencies."""

__version__ = "0.1.0"
