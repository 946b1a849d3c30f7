"""Generated records: the controlled document and the reports as PDF, DOCX and CSV, the
approver's and the agency's digital signatures, and the public verify pages (not the
records register, which is record_keeping)."""
