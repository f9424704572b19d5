"""The complaint guide: deadlines and jurisdiction, the places that take a case, a person to talk to."""
