"""The interface is Chinese first, English second (Django i18n).

Source strings are Chinese, so the zh_Hans catalogue is the identity and the English one is
translated by hand. These tests keep both catalogues complete and usable: nothing
untranslated or fuzzy, placeholders intact, the compiled .mo files up to date, and the
language switch really changes what a user sees.
"""

import gettext
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import LeadUnitUserFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"

# %(name)s-style, positional %s/%d, the `{}` of format_lazy, and any `{{ var }}` left
# literally in a template string. A doubled %% is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(
    r"%%|%\([A-Za-z_][A-Za-z0-9_]*\)[sdrif]|%[sdrif]|\{\{\s*[^}]+?\s*\}\}|\{\}"
)
HAN = re.compile(r"[\u4e00-\u9fff]")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def forms(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[k] for k in sorted(self.msgstr_plural)]

    def where(self, po: Path) -> str:
        return f"{'/'.join(po.parts[-4:])}:{self.line} {self.msgid!r}"


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """The catalogue's live entries (header and obsolete `#~` entries left out)."""
    entries, entry, target = [], None, None

    def close():
        if entry is not None and entry.msgid:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                close()
                entry, target = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
        if line.startswith("#,"):
            entry.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            entry.msgid_plural, target = _unquote(line[13:]), "msgid_plural"
        elif line.startswith("msgid "):
            entry.msgid, target = _unquote(line[6:]), "msgid"
        elif line.startswith("msgstr["):
            index, value = re.match(r"msgstr\[(\d+)\]\s+(.*)", line).groups()
            entry.msgstr_plural[int(index)], target = _unquote(value), int(index)
        elif line.startswith("msgstr "):
            entry.msgstr, target = _unquote(line[7:]), "msgstr"
        elif line.startswith("msgctxt "):
            target = "msgctxt"
        elif line.startswith('"'):
            value = _unquote(line)
            if isinstance(target, int):
                entry.msgstr_plural[target] += value
            elif target in ("msgid", "msgid_plural", "msgstr"):
                setattr(entry, target, getattr(entry, target) + value)
    close()
    return entries


def placeholders(text: str) -> Counter:
    return Counter(p for p in PLACEHOLDER.findall(text) if p != "%%")


@pytest.fixture(scope="module")
def en_entries():
    return parse_po(EN_PO)


@pytest.fixture(scope="module")
def zh_entries():
    return parse_po(ZH_PO)


# --- (a) the English catalogue is complete ------------------------------------------------


def test_english_catalogue_is_not_empty(en_entries):
    # A broken parser (or a catalogue wiped by a bad merge) must not pass the checks below.
    assert len(en_entries) > 500
    assert any(e.msgid == "登录" for e in en_entries)


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries(en_entries):
    untranslated = [e.where(EN_PO) for e in en_entries if not all(e.forms)]
    fuzzy = [e.where(EN_PO) for e in en_entries if "fuzzy" in e.flags]
    assert not untranslated, "untranslated English entries:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy English entries (check, then remove the flag):\n" + "\n".join(fuzzy)


def test_english_catalogue_keeps_chinese_out_of_translations(en_entries):
    # Proper names and document numbers (e.g. 保政办发〔2018〕18号) may stay Chinese; a
    # translation that is mostly Chinese was copied rather than translated.
    copied = [
        e.where(EN_PO)
        for e in en_entries
        for form in e.forms
        if HAN.search(e.msgid) and (form == e.msgid or len(HAN.findall(form)) > len(form) / 2)
    ]
    assert not copied, "English entries left in Chinese:\n" + "\n".join(copied)


@pytest.mark.parametrize("po", [EN_PO, ZH_PO], ids=["en", "zh_Hans"])
def test_msgfmt_accepts_the_catalogue(po):
    if not shutil.which("msgfmt"):
        pytest.skip("gettext (msgfmt) is not installed")
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # "N translated messages." alone: no ", M fuzzy translations" or "untranslated messages".
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), statistics


# --- (b) placeholders survive translation -------------------------------------------------


def test_english_translations_keep_every_placeholder(en_entries):
    problems = []
    for e in en_entries:
        if e.msgid_plural is None:
            pairs = [(e.msgid, e.msgstr)]
        else:
            # Plural forms: msgstr[0] pairs with msgid, the others with msgid_plural.
            pairs = [(e.msgid if k == 0 else e.msgid_plural, v) for k, v in e.msgstr_plural.items()]
        for source, target in pairs:
            if target and placeholders(source) != placeholders(target):
                problems.append(
                    f"{e.where(EN_PO)}: {sorted(placeholders(source).elements())} "
                    f"!= {sorted(placeholders(target).elements())} in {target!r}"
                )
            # `%` escaping must match too, or %-formatting breaks or shows a stray "%%".
            if target and ("%%" in source) != ("%%" in target):
                problems.append(f"{e.where(EN_PO)}: '%%' differs in {target!r}")
    assert not problems, "placeholders changed in translation:\n" + "\n".join(problems)


def test_english_plural_entries_have_both_forms(en_entries):
    plural = [e for e in en_entries if e.msgid_plural is not None]
    for e in plural:
        assert sorted(e.msgstr_plural) == [0, 1], e.where(EN_PO)


# --- the compiled catalogues match the .po files ------------------------------------------


@pytest.mark.parametrize("po", [EN_PO, ZH_PO], ids=["en", "zh_Hans"])
def test_compiled_catalogue_is_up_to_date(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run manage.py compilemessages"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in parse_po(po):
        if "fuzzy" in e.flags or not all(e.forms):
            continue
        if e.msgid_plural is None:
            if compiled.gettext(e.msgid) != e.msgstr:
                stale.append(e.where(po))
        elif compiled.ngettext(e.msgid, e.msgid_plural, 1) != e.forms[0]:
            stale.append(e.where(po))
    assert not stale, f"{mo.name} is older than {po.name}; run compilemessages:\n" + "\n".join(
        stale[:20]
    )


def test_gettext_uses_the_english_catalogue():
    with translation.override("en"):
        assert translation.gettext("登录") == "Log in"
        assert translation.gettext("保定市产业创新战略联盟备案管理平台") == (
            "Baoding Industrial Innovation Strategic Alliance Filing Platform"
        )
        assert translation.ngettext("共 %(n)s 条", "共 %(n)s 条", 2) % {"n": 2} == "2 records"
    with translation.override("zh-hans"):
        assert translation.gettext("登录") == "登录"


# --- (c) the language switch --------------------------------------------------------------


def _han_left(body: str, *allowed: str) -> list[str]:
    """Chinese text left on a page once data and the language button are taken out."""
    body = re.sub(r"<script\b.*?</script>", "", body, flags=re.S)
    for text in (*allowed, "中文", "保政办发〔2018〕18号"):
        body = body.replace(text, "")
    text = re.sub(r"<[^>]+>", "\n", body)
    return [line.strip() for line in text.splitlines() if HAN.search(line)]


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-CN"' in body
    assert "登录" in body
    assert "Log in" not in body


@pytest.mark.django_db
def test_login_page_follows_accept_language(client):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in body
    assert "Log in" in body
    assert "Forgot password?" in body
    assert "登录" not in body
    assert not _han_left(body)


@pytest.mark.django_db
def test_lead_unit_home_switches_to_english_and_back(client):
    user = LeadUnitUserFactory()
    client.force_login(user)

    body = client.get("/").content.decode()
    assert "牵头单位工作台" in body
    assert "退出登录" in body

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.url == "/"
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "Lead unit workspace" in body
    assert "Log out" in body
    assert "My filing applications" in body
    assert "牵头单位工作台" not in body
    organisation = user.organisation
    data = (
        user.get_full_name(),
        user.last_name + user.first_name,
        organisation.name,
        organisation.jurisdiction.name,
    )
    assert not _han_left(body, *data)

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    body = client.get("/").content.decode()
    assert "牵头单位工作台" in body
    assert "Lead unit workspace" not in body


# --- (d) the Chinese catalogue is the identity --------------------------------------------


def test_chinese_catalogue_is_the_identity(zh_entries):
    assert len(zh_entries) > 500
    wrong = []
    for e in zh_entries:
        if "fuzzy" in e.flags:
            wrong.append(f"{e.where(ZH_PO)}: fuzzy")
        elif e.msgid_plural is None and e.msgstr != e.msgid:
            wrong.append(f"{e.where(ZH_PO)}: {e.msgstr!r}")
        elif e.msgid_plural is not None and any(v != e.msgid for v in e.msgstr_plural.values()):
            wrong.append(f"{e.where(ZH_PO)}: {e.msgstr_plural!r}")
    assert not wrong, "zh_Hans entries that are not msgid → msgid:\n" + "\n".join(wrong)


def test_both_catalogues_hold_the_same_messages(en_entries, zh_entries):
    en = {(e.msgid, e.msgid_plural) for e in en_entries}
    zh = {(e.msgid, e.msgid_plural) for e in zh_entries}
    assert en - zh == set(), "in English only (run scripts/messages.sh)"
    assert zh - en == set(), "in Chinese only (run scripts/messages.sh)"
