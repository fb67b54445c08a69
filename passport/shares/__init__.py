"""Transcripts a physician shares by link: read-only, for one license and period, until
an expiry date or until revoked; every view logged."""
