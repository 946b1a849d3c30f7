"""qms — ISO 9001 document control for Vietnamese state administrative agencies."""

from qms.core.library_warnings import silence_library_deprecations

__version__ = "0.1.0"

# Here rather than in `qms.cli.main`: every process imports the package before any
# library, including the workers `qms serve --workers N` spawns without the command.
silence_library_deprecations()
