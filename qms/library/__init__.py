"""The document library: forms and attachments, external documents, the records register,
periodic review, change requests and Word import."""
