"""The public portal: the agency's effective public documents, without signing in."""
