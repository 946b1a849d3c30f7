"""The first page each person sees after signing in."""
