// The Django admin (system administrator only): mends of what axe-core's WCAG 2.1 AA
// rules and a screen-reader walk found in Django's own scripts and templates
// (docs/accessibility.md, "Django admin").
"use strict";

// "：" on Chinese pages, ": " on others.
const SEPARATOR = document.documentElement.lang.startsWith("zh") ? "：" : ": ";

function labelText(label) {
  return label.textContent.replace(/[:：]\s*$/, "").trim();
}

// A search-as-you-type select (select2, autocomplete_fields): its combobox is named by
// the field's label and then its choice ("所属单位：保定瑞驰…"), not by the choice and the
// clear button's "×" (an aria-label of its own: a name taken from the value's box would
// read the × even when hidden); the value's box has the label's name; the search box in
// the open list is named too. Queued on jQuery's ready after Django's autocomplete.js (loaded
// earlier) queued its drawing of them: ready callbacks run in order, and later than the
// page's "load" at times.
function nameAutocomplete(select) {
  const label = document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
  const shown = document.getElementById(`select2-${select.id}-container`);
  if (!label || !shown) {
    return;
  }
  const name = labelText(label);
  shown.setAttribute("aria-label", name);
  const box = shown.closest(".select2-selection");
  const choice = select.selectedOptions[0];
  if (box) {
    box.removeAttribute("aria-labelledby");
    const chosen = choice && choice.value ? choice.textContent.trim() : "";
    box.setAttribute("aria-label", chosen ? `${name}${SEPARATOR}${chosen}` : name);
  }
  for (const clear of shown.querySelectorAll(".select2-selection__clear")) {
    clear.setAttribute("aria-hidden", "true");
  }
}

function nameAutocompletes() {
  const $ = window.django.jQuery;
  for (const select of document.querySelectorAll("select.admin-autocomplete[id]")) {
    nameAutocomplete(select);
    // select2 redraws the choice (and its "×") on every change, at times after the
    // change's handlers have run: named again whenever the box's content changes.
    const shown = document.getElementById(`select2-${select.id}-container`);
    if (shown) {
      new MutationObserver(() => nameAutocomplete(select)).observe(shown, { childList: true });
    }
    $(select).on("select2:open", () => {
      const label = document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
      const search = document.querySelector(".select2-container--open .select2-search__field");
      if (label && search) {
        search.setAttribute("aria-label", labelText(label));
      }
    });
  }
}

// The lists' search box is named by its label's magnifier icon, whose alt text Django
// writes in English ("Search"): it takes the text of the translated button beside it.
function nameSearchBox() {
  const icon = document.querySelector('#changelist-search label[for="searchbar"] img');
  const button = document.querySelector('#changelist-search input[type="submit"]');
  if (icon && button) {
    icon.alt = button.value;
  }
}

nameSearchBox();
if (window.django && window.django.jQuery) {
  window.django.jQuery(nameAutocompletes);
}
