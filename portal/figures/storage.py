"""Where raw data sets are kept: outside MEDIA_ROOT, with no URL, so no web server can serve them."""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under ``MEP_PRIVATE_ROOT``, readable by the portal's user only; ``url()`` refuses."""

    def __init__(self):
        super().__init__(base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700)

    # read on every use, not cached, so a changed setting (a test, a second site) takes effect
    @property
    def base_location(self):
        return settings.MEP_PRIVATE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Datensätze werden nicht über das Web ausgeliefert.")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of :attr:`DataSetVersion.file` (a callable, so migrations name it, not its path)."""
    return _storage


def unguessable_name(suffix: str = ".zip") -> str:
    """A file name nobody can derive from the data (not the fingerprint): 128 random bits."""
    return f"{secrets.token_hex(16)}{suffix}"
