"""Distribution of versions, acknowledgement by staff, paper copies, notifications and reminders."""
