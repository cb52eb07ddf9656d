"""Settings: option, then environment, then config file, then default."""

from __future__ import annotations

import getpass
from pathlib import Path

import platformdirs
import pytest

from reader import config
from reader.errors import ReaderError
from reader.ingest.files import DEFAULT_MAX_BYTES


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    monkeypatch.setenv("READER_CONFIG", str(path))
    config._file_settings.cache_clear()

    def write(text: str) -> Path:
        path.write_text(text, encoding="utf-8")
        config._file_settings.cache_clear()
        return path

    return write


def test_defaults():
    assert config.db_path() == platformdirs.user_data_path("reader") / "reader.db"
    assert config.model_name() == config.DEFAULT_MODEL
    assert config.max_bytes() == DEFAULT_MAX_BYTES
    assert config.user_name() == getpass.getuser()


def test_db_precedence(config_file, monkeypatch, tmp_path):
    config_file(f'db = "{tmp_path / "from-file.db"}"\n')
    assert config.db_path() == tmp_path / "from-file.db"
    monkeypatch.setenv("READER_DB", str(tmp_path / "from-env.db"))
    assert config.db_path() == tmp_path / "from-env.db"
    assert config.db_path(str(tmp_path / "option.db")) == tmp_path / "option.db"


def test_db_path_expands_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert config.db_path("~/lib.db") == tmp_path / "lib.db"


def test_user_precedence(config_file, monkeypatch):
    config_file('user = "file-user"\n')
    assert config.user_name() == "file-user"
    monkeypatch.setenv("READER_USER", "env-user")
    assert config.user_name() == "env-user"
    assert config.user_name("option-user") == "option-user"


def test_model_precedence(config_file, monkeypatch):
    config_file('model = "en_core_web_md"\n')
    assert config.model_name() == "en_core_web_md"
    monkeypatch.setenv("READER_MODEL", "xx_ent_wiki_sm")
    assert config.model_name() == "xx_ent_wiki_sm"
    assert config.model_name("en_core_web_lg") == "en_core_web_lg"


def test_max_size(config_file, monkeypatch):
    config_file("max_size_mb = 2\n")
    assert config.max_bytes() == 2_000_000
    monkeypatch.setenv("READER_MAX_SIZE", "0.5")
    assert config.max_bytes() == 500_000
    assert config.max_bytes(12) == 12_000_000
    for bad in ("lots", "0", "-1", "nan", "inf", "1e400"):
        monkeypatch.setenv("READER_MAX_SIZE", bad)
        with pytest.raises(ReaderError) as info:
            config.max_bytes()
        assert "\n" not in str(info.value)


def test_config_values_of_the_wrong_type_are_one_line(config_file):
    config_file("db = 5\nmax_size_mb = true\n")
    for setting in (config.db_path, config.max_bytes):
        with pytest.raises(ReaderError) as info:
            setting()
        assert "\n" not in str(info.value)


def test_broken_config_file_is_one_line(config_file):
    path = config_file("db = [unclosed\n")
    with pytest.raises(ReaderError) as info:
        config.db_path()
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_package_data_in_checkout():
    assert (config.package_data("styles") / "reader.tcss").is_file()
    assert config.sample_article().name == "000_8d4d9360f55ea89e.txt"
    with pytest.raises(ReaderError):
        config.package_data("no-such-folder")
