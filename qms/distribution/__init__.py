"""Distribution of versions, acknowledgement by staff, paper copies and their recall, reminders."""
