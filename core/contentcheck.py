"""Is an upload what its first bytes say, and nothing more?

A file that starts ``%PDF-`` may still be a script with a PDF header (a polyglot), or a PDF
that runs JavaScript, launches a program or carries other files when opened. A file that
starts like a JPEG may not decode at all. Materials are scans that reviewers open on
their own computers: only plain documents and images are accepted.

``content_problem`` returns a message (with a ``%(name)s`` placeholder) saying what to fix,
or None.
"""

import warnings

from django.utils.translation import gettext as _

#: Objects read before a PDF is refused as too complex to inspect (a scanned material has
#: a few hundred).
MAX_PDF_OBJECTS = 100_000
#: Pixels an uploaded image may have: an A3 scan at 300 dpi has ~17 million. Checked before
#: decoding, which costs ~4 bytes a pixel (a 9,400 × 9,400 PNG of 343 KB took 340 MB).
MAX_IMAGE_PIXELS = 40_000_000

# Keys and action types that make a PDF active: scripts, launching programs, carrying
# files, or multimedia/forms that run their own code.
SCRIPT_KEYS = {"/JS", "/JavaScript"}
EMBEDDED_KEYS = {"/EmbeddedFiles", "/EF"}
ACTIVE_ACTIONS = {
    "/JavaScript": "script",
    "/Launch": "launch",
    "/ImportData": "launch",
    "/RichMediaExecute": "script",
    "/GoToE": "embedded",
}
ACTIVE_SUBTYPES = {"/FileAttachment": "embedded", "/RichMedia": "script"}
# What a document may not do by itself when it is opened (or a page is): reach another file
# or address (a UNC path leaks the reader's Windows credentials), or send data anywhere.
# Links a reader clicks stay allowed: PDFs exported from Word carry them.
REACHING_ACTIONS = {"/GoToR", "/URI", "/SubmitForm", "/GoToE", "/Launch", "/ImportData"}


class _TooComplex(Exception):
    pass


def content_problem(uploaded, content_type: str) -> str | None:
    uploaded.seek(0)
    if content_type == "application/pdf":
        return _pdf_problem(uploaded)
    return _image_problem(uploaded, content_type)


def _objects(root):
    """Every dictionary reachable from ``root`` (each indirect object once)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen, stack, count = set(), [root], 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        count += 1
        if count > MAX_PDF_OBJECTS:
            raise _TooComplex
        if isinstance(node, DictionaryObject):  # streams are dictionaries too
            yield node
            stack.extend(dict.values(node))
        elif isinstance(node, ArrayObject):
            stack.extend(list.__iter__(node))


def _active_content(node) -> str | None:
    keys = set(node.keys())
    if keys & SCRIPT_KEYS:
        return "script"
    if keys & EMBEDDED_KEYS or node.get("/Type") == "/EmbeddedFile":
        return "embedded"
    if "/XFA" in keys:
        return "script"
    kind = ACTIVE_ACTIONS.get(node.get("/S"))
    return kind or ACTIVE_SUBTYPES.get(node.get("/Subtype"))


def _pdf_problem(uploaded) -> str | None:
    from pypdf import PdfReader

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(uploaded, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                return _("文件“%(name)s”是加密的PDF，无法检查其内容。请取消密码保护后再上传。")
            found = next(filter(None, map(_active_content, _objects(reader.trailer))), None)
            found = found or _reaches_out_when_opened(reader)
    except _TooComplex:
        return _("文件“%(name)s”结构过于复杂，无法检查。请用扫描仪或“打印为PDF”重新生成后再上传。")
    except Exception:  # pypdf raises many kinds for a damaged or disguised file
        return _(
            "文件“%(name)s”不是完整有效的PDF文件（可能已损坏或只是改了扩展名）。请重新导出或扫描后再上传。"
        )
    if found == "script":
        return _(
            "文件“%(name)s”含有脚本（JavaScript等）。请上传不含脚本的PDF，例如用“打印为PDF”重新生成。"
        )
    if found == "launch":
        return _("文件“%(name)s”含有启动程序或导入数据的动作。请上传普通的PDF扫描件。")
    if found == "embedded":
        return _("文件“%(name)s”内嵌了其他文件。请把每份材料分别上传，不要嵌入附件。")
    if found == "reaches_out":
        return _(
            "文件“%(name)s”在打开时会访问其他文件或网址、或提交数据。请上传普通的PDF扫描件，例如用“打印为PDF”重新生成。"
        )
    return None


def _actions(action, depth=0):
    """An action and the ones chained after it (``/Next``: one action or an array)."""
    from pypdf.generic import ArrayObject, DictionaryObject

    action = action.get_object() if hasattr(action, "get_object") else action
    if isinstance(action, ArrayObject):
        for item in action:
            yield from _actions(item, depth + 1)
    elif isinstance(action, DictionaryObject) and depth < 50:
        yield action
        if "/Next" in action:
            yield from _actions(action["/Next"], depth + 1)


def _reaches_out_when_opened(reader) -> str | None:
    """The actions run without a click: the document's open action and the additional
    actions (/AA) of the document and its pages."""
    root = reader.trailer["/Root"].get_object()
    triggers = []
    if "/OpenAction" in root:
        triggers.append(root["/OpenAction"])
    holders = [root, *(page.get_object() for page in reader.pages)]
    for holder in holders:
        additional = holder.get("/AA")
        if additional is not None:
            triggers.extend(additional.get_object().values())
    for trigger in triggers:
        for action in _actions(trigger):
            if action.get("/S") in REACHING_ACTIONS:
                return "reaches_out"
    return None


def _image_problem(uploaded, content_type: str) -> str | None:
    from PIL import Image

    expected = {"image/jpeg": "JPEG", "image/png": "PNG"}[content_type]
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, above its pixel limit (a "decompression bomb").
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded) as image:
                found = image.format
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError("over the portal's limit")
                image.verify()
            uploaded.seek(0)
            with Image.open(uploaded) as image:
                image.load()  # decode every pixel: verify() alone reads only the structure
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return _("图片“%(name)s”像素过多，无法处理。请缩小分辨率后再上传。")
    except Exception:  # UnidentifiedImageError, OSError, SyntaxError… a damaged file
        return _("图片“%(name)s”无法解码（可能已损坏或只是改了扩展名）。请重新扫描或导出后再上传。")
    if found != expected:
        return _("图片“%(name)s”的内容与格式不符。请重新扫描或导出后再上传。")
    return None
