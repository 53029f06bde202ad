"""Section classes: ``Directory("/path", child, child, ...)`` renders ``<Directory /path>``.

The class name is the tag, the first argument its attribute, the rest its children.
"""

from __future__ import annotations

from .nodes import ContainerTag


class Section(ContainerTag):
    """A ContainerTag named after its class; subclass it to add any other section."""

    def __init__(self, attr, *args):
        super().__init__(type(self).__name__, attr, args)


class Directory(Section):
    """``<Directory path>``: a file-system directory and everything below it."""


class DirectoryMatch(Section):
    """``<DirectoryMatch regex>``."""


class Files(Section):
    """``<Files pattern>``: files by base name (wildcards allowed)."""


class FilesMatch(Section):
    """``<FilesMatch regex>``."""


class Location(Section):
    """``<Location url-path>``."""


class LocationMatch(Section):
    """``<LocationMatch regex>``."""


class VirtualHost(Section):
    """``<VirtualHost addr[:port] ...>``."""


class IfModule(Section):
    """``<IfModule [!]module>``: children apply only when the module is (not) loaded."""


class IfDefine(Section):
    """``<IfDefine [!]name>``: children apply only when ``-D name`` is (not) given."""


class Limit(Section):
    """``<Limit METHOD ...>``."""


class LimitExcept(Section):
    """``<LimitExcept METHOD ...>``."""


SECTION_NAMES = (
    "Directory", "DirectoryMatch", "Files", "FilesMatch", "Location", "LocationMatch",
    "VirtualHost", "IfModule", "IfDefine", "Limit", "LimitExcept",
)  # fmt: skip
__all__ = list(SECTION_NAMES)
