from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("导入文件（Excel .xlsx）"),
        help_text=_("请使用本页下载的导入模板填写；单个文件不超过50 MB、100,000行。"),
    )


class ConfirmForm(forms.Form):
    # The digest the dry run reported: the import runs only on a stored file that has it.
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
