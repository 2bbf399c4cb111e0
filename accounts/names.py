"""A person's name typed in one field (姓名), kept in Django's two name columns so that
``User.get_full_name`` (family name first, no space) gives back what was typed."""

# The compound surnames still in use; any other name's family name is its first character.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 司空 夏侯 轩辕 端木 "
    "独孤 南宫 西门 百里 呼延 澹台 公冶 太史 申屠 钟离 闻人 赫连 万俟 东郭 濮阳 单于".split()
)


def split_name(full_name: str) -> tuple[str, str]:
    """(family name, given name). A name with spaces (a transliterated or foreign name)
    is kept whole as the family name, so that nothing is reordered."""
    name = " ".join((full_name or "").split())
    if not name or " " in name or len(name) == 1:
        return name, ""
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]
