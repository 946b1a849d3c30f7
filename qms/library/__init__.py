"""The document library around the documents: the files of a version, periodic review and
change requests."""
