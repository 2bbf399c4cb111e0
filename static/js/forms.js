/* The portal's forms (no inline script: the CSP forbids it).
 *
 * 1. Error summary (core.form_errors, templates/includes/form_errors.html): focused when
 *    the page loads, so the user sees and hears it; each link focuses its field.
 * 2. Unsaved changes: a form marked data-warn-unsaved that has changed and was not
 *    submitted makes the browser ask before the page is left (beforeunload), unless the
 *    session ended for idleness (static/js/idle.js).
 */
(function () {
  "use strict";

  function focusField(target) {
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.scrollIntoView({ block: "start" });
      summary.focus({ preventScroll: true });
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (target) {
      event.preventDefault();
      focusField(target);
    }
  });

  // Forms with changes not yet sent. A field outside its <form> (form="…") counts for the
  // form it belongs to: element.form is that form.
  var changed = new Set();

  function markChanged(event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-warn-unsaved")) {
      changed.add(form);
    }
  }

  document.addEventListener("input", markChanged, true);
  document.addEventListener("change", markChanged, true);
  document.addEventListener("submit", function (event) {
    changed.delete(event.target); // what it holds is being sent
  });

  // The idle time ran out (static/js/idle.js): the page goes to the login page, and
  // nothing typed could be saved any more, so the browser must not ask to stay.
  document.addEventListener("portal:session-ended", function () {
    changed.clear();
  });

  window.addEventListener("beforeunload", function (event) {
    if (changed.size === 0) {
      return undefined;
    }
    // Browsers ask in their own words (in the reader's language); no text of ours is shown.
    event.preventDefault();
    event.returnValue = true;
    return true;
  });
})();
