"""The base of every error reader reports to the user as one line."""


class ReaderError(Exception):
    """An error whose message is one line, fit to show the user as it is."""
