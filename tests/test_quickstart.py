"""docs/quickstart.md works as written: its commands and code blocks, taken from the page itself,
make a brand-new project that passes ``manage.py check``, migrates, and signs a person in.

The page marks the blocks this test uses with a JSON object after the language (the info string;
GitHub shows only the language):

- ```` ```sh {"run": true} ````: every line is run in order; only ``django-admin ...``,
  ``cd DIR`` and ``python manage.py ...`` are understood (anything else fails the test);
- ```` ```python {"file": "mysite/settings.py", "append": true} ````: appended to that file,
  relative to the directory the ``cd`` lines reached;
- ```` ```python {"file": "mysite/urls.py"} ````: the file's whole new content;
- ```` ```python {"production": true} ````: production settings, compiled but not applied.

Every step runs in a subprocess with the new project's own settings, on its own SQLite file, with
this checkout's django_webotp first on the path.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUICKSTART = ROOT / "docs" / "quickstart.md"
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w+)[ \t]*(\{[^\n]*\})?[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
PHONE = "+447400123456"

# Runs in the new project (manage.py shell -c): every page of a sign-in as a browser on
# runserver's address sees it, then prints what it saw, as JSON, for the test to judge.
SIGN_IN = """
import json
from django.test import Client

browser = Client(HTTP_HOST="127.0.0.1:8000")
seen = {"phone_page": browser.get("/login/").status_code}
sent = browser.post("/login/", {"phone_number": PHONE})
seen["sent"] = [sent.status_code, sent.get("Location")]
seen["code_page"] = browser.get(sent["Location"]).status_code
seen["feed"] = browser.get("/dev/sms/simulator.json").json()
inbox = browser.get("/dev/sms/")
seen["inbox"] = [inbox.status_code, "webotp-sms-warning" in inbox.content.decode()]
messages = seen["feed"]["messages"]
code = messages[-1]["origin_bound"]["code"] if messages else ""
verified = browser.post(sent["Location"], {"code": code})
seen["verified"] = [verified.status_code, verified.get("Location")]
landing = browser.get(verified["Location"]) if verified.has_header("Location") else verified
seen["landing"] = [landing.status_code, landing.content.decode()]
print("SEEN " + json.dumps(seen))
"""


@dataclass
class Block:
    language: str
    options: dict
    text: str


def blocks(path: Path) -> list[Block]:
    found = []
    for language, options, text in FENCE.findall(path.read_text()):
        found.append(Block(language, json.loads(options) if options else {}, text))
    return found


def project_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, cwd=cwd, env=project_env(), capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, f"{shlex.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def command(line: str) -> list[str]:
    words = shlex.split(line, comments=True)
    if words[0] == "django-admin":
        return [sys.executable, "-m", "django", *words[1:]]
    if words[:2] == ["python", "manage.py"]:
        return [sys.executable, *words[1:]]
    raise AssertionError(f"The quickstart test does not know how to run {line!r}.")


def follow(page: list[Block], cwd: Path) -> tuple[Path, dict[str, str]]:
    """Do what the page's marked blocks say; the project's directory and each command's output."""
    outputs = {}
    for block in page:
        if block.options.get("run"):
            for line in filter(str.strip, block.text.splitlines()):
                if line.startswith("cd "):
                    cwd = cwd / line.split(maxsplit=1)[1].strip()
                    continue
                outputs[line] = run(command(line), cwd).stdout
        elif "file" in block.options:
            target = cwd / block.options["file"]
            assert block.options.get("append") or target.exists(), f"{target} is not made"
            before = target.read_text() if block.options.get("append") else ""
            target.write_text(f"{before}\n{block.text}" if before else block.text)
    return cwd, outputs


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    return follow(blocks(QUICKSTART), tmp_path_factory.mktemp("quickstart"))


def test_the_page_has_every_step():
    page = blocks(QUICKSTART)
    commands = [b.text for b in page if b.options.get("run")]
    assert any("startproject" in text for text in commands)
    assert any("manage.py migrate" in text for text in commands)
    files = {b.options["file"] for b in page if "file" in b.options}
    assert files == {"mysite/settings.py", "mysite/urls.py"}


def test_every_python_block_is_valid_python():
    for block in blocks(QUICKSTART):
        if block.language == "python":
            compile(block.text, str(block.options), "exec")


def test_the_domain_is_set_in_production_only():
    """On the laptop the SMS names the page's own host; a WEBOTP_DOMAIN there makes the dev
    inbox and simulator ignore every code."""
    page = blocks(QUICKSTART)
    applied = "".join(b.text for b in page if "file" in b.options)
    production = "".join(b.text for b in page if b.options.get("production"))
    assert "WEBOTP_DOMAIN" not in applied
    assert "WEBOTP_DOMAIN =" in production


def test_the_new_project_passes_check_and_migrates(quickstart):
    _project, outputs = quickstart
    assert "System check identified no issues" in outputs["python manage.py check"]
    assert "Applying django_webotp." in outputs["python manage.py migrate"]


def test_a_person_signs_in_on_the_laptop_with_the_dev_inbox(quickstart):
    project, _outputs = quickstart
    script = f"PHONE = {PHONE!r}\n{SIGN_IN}"
    out = run([sys.executable, "manage.py", "shell", "-c", script], project).stdout
    seen = json.loads(out.split("SEEN ", 1)[1])

    assert seen["phone_page"] == 200
    assert seen["sent"] == [302, "/login/verify/"]
    assert seen["code_page"] == 200
    # The SMS names the page's host, so the simulator (and Chrome) would offer its code.
    [message] = seen["feed"]["messages"]
    assert message["origin_bound"]["host"] == "127.0.0.1"
    assert seen["inbox"] == [200, False]  # no "Chrome will not offer it" warning
    assert seen["verified"] == [302, "/"]
    assert seen["landing"] == [200, f"Signed in as {PHONE}."]
    assert list((project / "sms-outbox").iterdir())  # the filebased backend wrote it there


def test_the_old_url_line_fails_check_with_the_line_to_write(quickstart, tmp_path):
    """The README once showed ``(path("login/", include("django_webotp.urls")),)``, which adds
    no URL: the first page died with NoReverseMatch. ``manage.py check`` now says what to add."""
    project, _outputs = quickstart
    copy = tmp_path / "mysite"
    shutil.copytree(project, copy)
    urls = copy / "mysite" / "urls.py"
    urls.write_text(
        "from django.contrib import admin\nfrom django.urls import include, path\n\n"
        'urlpatterns = [path("admin/", admin.site.urls)]\n'
        '(path("login/", include("django_webotp.urls")),)\n'
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=copy,
        env=project_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "(webotp.E080)" in result.stderr
    assert 'HINT: Add path("login/", include("django_webotp.urls"))' in result.stderr


def readme_quickstart() -> str:
    text = README.read_text()
    start = text.index("## Add it to your project")
    return text[start : text.index("\n## ", start + 1)]


def test_the_readme_shows_the_tested_code():
    """Every line of the README's quickstart code is a line of the tested page."""
    section = readme_quickstart()
    assert "docs/quickstart.md" in section
    tested = {line.strip() for b in blocks(QUICKSTART) for line in b.text.splitlines()}
    shown = [m[2] for m in FENCE.findall(section) if m[0] == "python"]
    assert shown
    for text in shown:
        compile(text, "README.md", "exec")
        for line in text.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                assert line.strip() in tested, line
