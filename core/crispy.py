"""Text from data (a policy version's titles and articles, anything a user typed) placed
in a crispy-forms layout. crispy renders ``HTML(...)`` contents and ``Fieldset`` legends
as Django template source, so such text must be inert twice over: HTML-escaped, and with
the characters of template syntax (``{``, ``}``, ``%``) written as character references
that the template engine does not read and the browser shows as themselves."""

from django.utils.html import conditional_escape

TEMPLATE_SYNTAX = str.maketrans({"{": "&#123;", "}": "&#125;", "%": "&#37;"})


def inert(text) -> str:
    """``text`` escaped for HTML and for the template engine: safe as a legend or inside
    ``HTML()``."""
    return str(conditional_escape(str(text))).translate(TEMPLATE_SYNTAX)
