"""Women's negotiation workshops: the staff-kept table, seats and waitlist, reminders."""
