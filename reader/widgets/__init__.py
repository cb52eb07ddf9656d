"""Widgets: each draws one part of the screen and posts messages up; none runs SQL."""
