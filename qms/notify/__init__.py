"""Telling people: in-app notifications, the bell, e-mail through the outbox, daily digests."""
