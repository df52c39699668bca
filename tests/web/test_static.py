"""GOV.UK Frontend, built by `make install`, is collected with hashed names as a live service serves it."""

import json
import re

from django.core.management import call_command


def test_collectstatic_hashes_the_stylesheet_and_the_fonts_and_images_it_names(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)

    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())["paths"]
    built = ("application.css", "application.mjs", "govuk/govuk-frontend.min.js", "govuk/assets/images/favicon.ico")
    for name in built:
        assert name in manifest, name
    css = (settings.STATIC_ROOT / manifest["application.css"]).read_text()
    fonts = re.findall(r'url\("(govuk/assets/fonts/[^"]+)"\)', css)
    assert fonts, "the stylesheet names no GOV.UK font"
    for font in fonts:
        assert (settings.STATIC_ROOT / font).exists(), font
        assert re.search(r"\.[0-9a-f]{12}\.woff2?$", font), f"{font} is not the hashed name"
    assert "/assets/" not in css.replace("govuk/assets/", ""), "an absolute /assets/ path would not be served"
