"""Bringing existing procedures in: the procedure library's source files and Word documents."""
