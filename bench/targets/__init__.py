"""The targets the benchmark compares, and the projects that serve them.

Plain data, no imports: each peer's virtualenv imports the settings modules below this package.
A *project* is one Django project in one virtualenv with one database (one gunicorn server);
a *target* is one sign-in flow through one project (django-webotp's HTML pages and JSON API
share a project, once with the limits off and once on).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PROJECTS", "TARGETS", "Project", "Target"]


@dataclass(frozen=True)
class Project:
    name: str
    venv: str  # under the tree's root
    settings: str
    database: str
    env: dict[str, str] = field(default_factory=dict)
    packages: tuple[str, ...] = ("Django",)  # whose versions the report names


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    project: str
    flow: str  # a key of bench.flows.FLOWS


PROJECTS = {
    p.name: p
    for p in (
        Project("bare", ".venv-bench", "bench.targets.bare.settings", "webotp_bench_bare"),
        Project(
            "phoneverify",
            ".venv-bench-phoneverify",
            "bench.targets.phoneverify.settings",
            "webotp_bench_phoneverify",
            packages=("Django", "django-phone-verify", "djangorestframework"),
        ),
        Project(
            "allauth",
            ".venv-bench-allauth",
            "bench.targets.allauth.settings",
            "webotp_bench_allauth",
            packages=("Django", "django-allauth"),
        ),
        Project(
            "webotp-off",
            ".venv-bench",
            "bench.settings",
            "webotp_bench_off",
            env={"BENCH_LIMITS": "off"},
            packages=("Django", "django-webotp"),
        ),
        Project(
            "webotp-on",
            ".venv-bench",
            "bench.settings",
            "webotp_bench_on",
            env={"BENCH_LIMITS": "on"},
            packages=("Django", "django-webotp"),
        ),
    )
}

TARGETS = [
    Target("bare", "bare Django (code row + login())", "bare", "bare"),
    Target("phoneverify", "django-phone-verify (JSON)", "phoneverify", "phoneverify"),
    Target("allauth", "django-allauth login by code (headless JSON)", "allauth", "allauth"),
    Target("webotp-json-off", "django-webotp JSON, limits off", "webotp-off", "webotp-json"),
    Target("webotp-json-on", "django-webotp JSON, limits on", "webotp-on", "webotp-json"),
    Target("webotp-html-off", "django-webotp HTML, limits off", "webotp-off", "webotp-html"),
    Target("webotp-html-on", "django-webotp HTML, limits on", "webotp-on", "webotp-html"),
]
