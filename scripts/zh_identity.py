"""Make the zh_Hans catalogue the identity: every msgstr (and msgstr[0]) equals its msgid.

Source strings are Chinese. makemessages marks a new string that resembles an old one as
fuzzy and copies the old text in; msgen fills only empty entries and skips plurals. This
rewrites every entry from its msgid and drops fuzzy flags and previous-msgid comments.
"""

import re
import sys
from pathlib import Path

ENTRY = re.compile(r"\n\n(?=#|msgid )")


def _string(lines, keyword):
    """The concatenated string value of `keyword "..."` plus continuation lines."""
    out, taking = [], False
    for line in lines:
        if line.startswith(keyword + " "):
            out.append(line[len(keyword) + 1 :])
            taking = True
        elif taking and line.startswith('"'):
            out.append(line)
        elif taking:
            break
    return out


def rewrite(entry: str) -> str:
    lines = entry.split("\n")
    if not any(line.startswith("msgid ") for line in lines):
        return entry
    msgid = _string(lines, "msgid")
    if msgid == ['""']:
        return entry  # the header
    kept = []
    for line in lines:
        if line.startswith("#|"):
            continue
        if line.startswith("#,"):
            flags = [f.strip() for f in line[2:].split(",") if f.strip() != "fuzzy"]
            if not flags:
                continue
            line = "#, " + ", ".join(flags)
        if line.startswith("msgstr"):
            break
        kept.append(line)
    # Everything from the first msgstr on is regenerated from the msgid.
    plural = any(line.startswith("msgid_plural ") for line in lines)
    kept.append(("msgstr[0] " if plural else "msgstr ") + "\n".join(msgid))
    return "\n".join(kept)


def main(path: str):
    po = Path(path)
    text = po.read_text(encoding="utf-8")
    parts = ENTRY.split(text)
    po.write_text("\n\n".join(rewrite(p) for p in parts), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
