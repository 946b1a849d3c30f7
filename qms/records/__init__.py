"""Official records: the controlled document and the reports as PDF, DOCX and CSV, the
agency's digital signature on approved versions, and the public verify page."""
