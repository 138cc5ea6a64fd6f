"""Checks of a translation catalog (.po and its compiled .mo), for the app's and the example's."""

from __future__ import annotations

import re
from pathlib import Path

import polib

# %(name)s / %(n)d placeholders (blocktranslate's {{ name }} reaches the catalog as %(name)s)
# and HTML tags: a translation must keep exactly the ones its msgid has.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>")


def catalog_id(path: Path) -> str:
    return str(path.relative_to(path.parents[4]))


def assert_complete(path: Path) -> None:
    """Every message is translated, none is fuzzy, and each keeps its placeholders and tags."""
    catalog = polib.pofile(str(path))
    assert not catalog.metadata_is_fuzzy  # msgfmt would drop a fuzzy header, plural rules too
    assert catalog.fuzzy_entries() == [], "run bash scripts/messages, then review these"
    assert [entry.msgid for entry in catalog.untranslated_entries()] == []
    plurals = int(re.search(r"nplurals=(\d+)", catalog.metadata["Plural-Forms"]).group(1))
    for entry in catalog:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == list(range(plurals)), entry.msgid
            translations = list(entry.msgstr_plural.values())
        else:
            translations = [entry.msgstr]
        for translated in translations:
            assert translated.strip(), entry.msgid
            expected = sorted(PLACEHOLDER.findall(entry.msgid))
            assert sorted(PLACEHOLDER.findall(translated)) == expected, entry.msgid


def assert_compiled(path: Path) -> None:
    """The .mo says what the .po says: nobody edited one and forgot to run scripts/messages."""

    def messages(catalog):
        found = {}
        for entry in catalog:
            key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
            plural = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            found[key] = plural if entry.msgid_plural else entry.msgstr
        return found

    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run bash scripts/messages"
    source = messages(entry for entry in polib.pofile(str(path)) if entry.translated())
    assert messages(polib.mofile(str(compiled))) == source
