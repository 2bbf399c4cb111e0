"""Forms shared by annual summaries and major-event reports: an attachment, a return."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AttachmentForm(forms.Form):
    """One PDF/JPEG/PNG; the service checks the content (core.uploads)."""

    file = forms.FileField(
        label=_("附件"),
        help_text=_("PDF、JPEG或PNG文件，按文件内容识别。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        error_messages={
            "required": _("请选择要上传的文件。"),
            "empty": _("所选文件是空文件，请重新选择。"),
            "invalid": _("未收到文件，请重新选择后上传。"),
        },
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("牵头单位将看到这里写的理由，请写明需要修改的内容。"),
        error_messages={"required": _("退回修改必须写明理由。")},
    )
