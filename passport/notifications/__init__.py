"""Telling people: notifications recorded once per event and recipient, delivered by e-mail
from background jobs and listed in the app; preferences; renewal reminders; housekeeping."""
