"""The MkDocs configuration of a build: the repository's mkdocs.yml, or a built-in default.

A repository without mkdocs.yml still builds: the default uses the Material theme
without web fonts, the search and salesgen plugins, and as docs folder the package's
own ``assets`` folder with its files excluded (every page is generated; a pattern
such as ``*`` would also exclude the theme's files).
"""
from __future__ import annotations

import io
from pathlib import Path

import yaml
from markupsafe import escape

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


def find_config(root: Path) -> Path | None:
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return root / name
    return None


# Material's light/dark switch: the first scheme follows the device's setting, the toggle changes it.
PALETTE = [
    {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "indigo", "accent": "blue",
     "toggle": {"icon": "material/brightness-7", "name": "Dark mode / 深色模式"}},
    {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo", "accent": "blue",
     "toggle": {"icon": "material/brightness-4", "name": "Light mode / 浅色模式"}},
]


def default_config(root: Path, title: str) -> dict:
    return {
        "site_name": str(escape(title)),  # Material writes site_name into the page unescaped
        "docs_dir": str(Path(__file__).resolve().parent / "assets"),
        "exclude_docs": "/salesgen.css\n/salesgen-tables.js\n",  # the folder's files: the plugin serves them as assets/
        "site_dir": str(root / "site"),
        "use_directory_urls": True,
        "theme": {"name": "material", "font": False,
                  "features": ["navigation.tabs", "navigation.top", "toc.follow"],
                  "palette": PALETTE},
        "plugins": ["search", {"salesgen": {"root": str(root)}}],
    }


def default_config_text(root: Path, title: str) -> str:
    return yaml.safe_dump(default_config(root, title), allow_unicode=True, sort_keys=False)


def load(root: Path, title: str, site_dir: Path | None = None):
    """The MkDocs config for ``root`` (its mkdocs.yml, else the default), with ``site_dir`` applied."""
    from mkdocs.config import load_config

    overrides = {"site_dir": str(site_dir.resolve())} if site_dir is not None else {}
    path = find_config(root)
    if path is not None:
        return load_config(config_file=str(path), **overrides)
    text = default_config_text(root.resolve(), title).encode("utf-8")
    return load_config(config_file=io.BytesIO(text), config_file_path=str(root.resolve() / "mkdocs.yml"), **overrides)
