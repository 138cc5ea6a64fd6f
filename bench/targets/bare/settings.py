"""The bare-Django ceiling: startproject's settings plus one app with one table of codes."""

from bench.targets.base import *  # noqa: F403
from bench.targets.base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.targets.bare"]
ROOT_URLCONF = "bench.targets.bare.urls"
