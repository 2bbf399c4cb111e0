// The Django admin (system administrator only): mends of what axe-core's WCAG 2.1 AA
// rules find in Django's own scripts (docs/accessibility.md, "Django admin").
"use strict";

// A search-as-you-type select (select2, autocomplete_fields) shows its value in a
// role="textbox" span without a name: it takes the name of the field's label. Queued
// on jQuery's ready after Django's autocomplete.js (loaded earlier) queued its drawing
// of them: ready callbacks run in order, and later than the page's "load" at times.
function nameAutocompletes() {
  for (const select of document.querySelectorAll("select.admin-autocomplete[id]")) {
    const label = document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    const shown = document.getElementById(`select2-${select.id}-container`);
    if (label && shown) {
      shown.setAttribute("aria-label", label.textContent.replace(/[:：]\s*$/, "").trim());
    }
  }
}

if (window.django && window.django.jQuery) {
  window.django.jQuery(nameAutocompletes);
}
