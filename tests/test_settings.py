"""The settings as a deployment meets them: safe by default, refused when unsafe, documented in full.

Each check starts Django in a process of its own with the environment a deployment would give it, and
without PYTEST_VERSION, so the settings do not know they are under test.
"""

import ast
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV_SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"


@pytest.fixture
def live_env(tmp_path):
    """What a live service is given: its own key, its host name, DEBUG off, and nothing else of ours."""
    return {
        "PATH": str(Path(sys.executable).parent),
        "DJANGO_SETTINGS_MODULE": "csprp.settings",
        "VAR_DIR": str(tmp_path),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "csprp.example.gov.uk",
        "CLAMAV_URL": "tcp://clamav.internal:3310",
    }


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def setting(env, name):
    shown = manage(env, "shell", "--no-imports", "-c", f"from django.conf import settings; print(settings.{name})")
    assert shown.returncode == 0, shown.stderr
    return shown.stdout.strip()


def test_it_passes_the_deployment_checklist_with_a_live_configuration(live_env):
    checked = manage(live_env, "check", "--deploy", "--fail-level", "WARNING")

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout, checked.stdout + checked.stderr
    assert "WARNINGS" not in checked.stdout + checked.stderr


@pytest.mark.parametrize("secret_key", [None, "", DEV_SECRET_KEY], ids=["unset", "empty", "development key"])
def test_it_refuses_to_start_without_a_key_of_its_own_when_debug_is_off(live_env, secret_key):
    if secret_key is None:
        del live_env["SECRET_KEY"]
    else:
        live_env["SECRET_KEY"] = secret_key

    checked = manage(live_env, "check")

    assert checked.returncode != 0
    assert "ImproperlyConfigured" in checked.stderr and "SECRET_KEY" in checked.stderr, checked.stderr


def test_it_starts_with_the_development_key_when_debug_is_on(live_env):
    del live_env["SECRET_KEY"]
    live_env["DEBUG"] = "true"

    checked = manage(live_env, "check")

    assert checked.returncode == 0, checked.stderr


def test_it_leaves_https_to_a_proxy_when_told(live_env):
    assert setting(live_env, "SECURE_SSL_REDIRECT") == "True"
    assert setting(live_env, "SECURE_HSTS_SECONDS") == str(365 * 24 * 60 * 60)

    live_env.update(SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0")

    assert setting(live_env, "SECURE_SSL_REDIRECT") == "False"
    assert setting(live_env, "SECURE_HSTS_SECONDS") == "0"


@pytest.mark.django_db
def test_it_redirects_plain_http_but_not_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/sign-in/").status_code == 301
    assert client.get("/healthz").status_code == 200


def variables_the_settings_read():
    """Names passed to django-environ in csprp/settings.py: env("X"), env.bool("X"), env.db("X"), …"""
    tree = ast.parse((ROOT / "csprp" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        reader = node.func.value if isinstance(node.func, ast.Attribute) else node.func
        first = node.args[0]
        if isinstance(reader, ast.Name) and reader.id == "env" and isinstance(first, ast.Constant):
            names.add(first.value)
    return names


def variables_the_readme_documents():
    """Names in the first column of the table under the README's "Configuration" heading."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|") and not line.startswith("|---")]
    return {name for row in rows[1:] for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", row.split("|")[1])}


def test_the_readme_documents_every_variable_the_settings_read():
    read = variables_the_settings_read()
    documented = variables_the_readme_documents()

    assert {"DATABASE_URL", "SECRET_KEY", "SECURE_SSL_REDIRECT"} <= read  # the parser finds them
    assert read - documented == set(), "add these to the README's configuration table"
    assert documented - read == set(), "the README documents variables the settings do not read"
