"""Screens: the reader, the library, help and prompts."""
