"""Work that must not keep reader from quitting: run in a daemon thread, awaited from the event loop.

Textual's thread workers run in asyncio's default executor, which the interpreter joins at exit: a
long import of files (a 5 MB Markdown article takes tens of seconds to parse) kept `q` from quitting
until it was done. A daemon thread ends with the process. What it was writing is one SQLite
transaction at a time, so quitting mid-way leaves the library as a kill would: every article
committed before is there, the one being stored is not, and importing the files again adds the rest.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable


def in_daemon_thread(function: Callable[..., Any], *args: Any, name: str = "reader-background") -> asyncio.Future:
    """A future for `function(*args)` run in a new daemon thread; it never outlives the process."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def settle(method: str, value: Any) -> None:
        if not future.done():  # cancelled meanwhile (another import replaced it, say)
            getattr(future, method)(value)

    def run() -> None:
        try:
            outcome = ("set_result", function(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
            outcome = ("set_exception", exc)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:  # the loop has closed: the app quit meanwhile, and nobody is waiting
            pass

    threading.Thread(target=run, name=name, daemon=True).start()
    return future
