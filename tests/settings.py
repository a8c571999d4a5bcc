"""Test settings: the real settings with DEBUG's development defaults and a fast hasher."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from govmall.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False  # behave as production does, apart from the development defaults above
WHITENOISE_AUTOREFRESH = True
