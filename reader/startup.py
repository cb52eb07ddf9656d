"""Garbage collection paused while `reader` starts: collecting as modules load costs 30 ms of its first paint.

Start-up allocates a great deal and frees little, so the collector runs over a hundred
times before the first screen and finds almost nothing. `reader` pauses it in `main`
and resumes once the app has painted (or a command other than the app starts).
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Collect again; what start-up made is left out of later collections, which stay short (gc.freeze)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
