/* The idle-logout warning (templates/includes/idle_warning.html; issue 17, GB/T 37668 /
 * WCAG 2.2.1: a time limit the user can extend).
 *
 * The server ends a session SESSION_IDLE_MINUTES after the last request (it may keep it up
 * to a minute longer: core.middleware.SessionIdleMiddleware). The page counts from the
 * last request it knows of — its own load, an htmx request, a keep-alive, or the same in
 * another tab of this browser (localStorage) — so it never promises more time than the
 * server gives. Two minutes before the end it opens a modal dialog (focus inside it) with
 * the time left; 继续使用 posts to the keep-alive URL without leaving the page (typed text
 * stays), 退出登录 logs out, and when the time is up the page posts to the session-ended
 * URL, which logs out and shows the login page with a message.
 */
(function () {
  "use strict";

  var dialog = document.getElementById("idle-warning");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var idleMs = Number(dialog.dataset.idleSeconds) * 1000;
  var warnMs = Number(dialog.dataset.warnSeconds) * 1000;
  var keepAliveForm = dialog.querySelector("[data-idle-keep-alive]");
  var endedForm = dialog.querySelector("[data-idle-ended]");
  var shown = dialog.querySelector("[data-idle-countdown]");
  var announced = dialog.querySelector("[data-idle-time-left]");
  var STORE = "portal.idle.lastRequest";
  var ANNOUNCE_EVERY = 30; // seconds: a screen reader hears the time left this often
  var lastRequest = 0;
  var lastAnnounced = null;
  var returnFocus = null;
  var ending = false;

  function stored() {
    try {
      return Number(window.localStorage.getItem(STORE)) || 0;
    } catch (error) {
      return 0; // storage off: this tab counts for itself
    }
  }

  function requested() {
    lastRequest = Date.now();
    try {
      window.localStorage.setItem(STORE, String(lastRequest));
    } catch (error) {
      /* storage off */
    }
  }

  function timeText(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    return dialog.dataset.timeFormat
      .replace("%(minutes)s", String(Math.floor(seconds / 60)))
      .replace("%(seconds)s", String(seconds % 60));
  }

  function timeLeftText(ms) {
    return announced.dataset.text.replace("%(time)s", timeText(ms));
  }

  function show(left) {
    var seconds = Math.ceil(left / 1000);
    shown.textContent = timeLeftText(left);
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
      keepAliveForm.querySelector("button").focus();
      lastAnnounced = null;
    }
    // The live region changes on opening and every ANNOUNCE_EVERY seconds, not each second.
    var step = Math.ceil(seconds / ANNOUNCE_EVERY);
    if (step !== lastAnnounced) {
      lastAnnounced = step;
      announced.textContent = timeLeftText(left);
    }
  }

  function hide() {
    if (!dialog.open) {
      return;
    }
    dialog.close();
    announced.textContent = "";
    if (returnFocus && document.contains(returnFocus)) {
      returnFocus.focus();
    }
  }

  function end() {
    if (ending) {
      return;
    }
    ending = true;
    // Nothing typed can be saved once the session is gone: no "leave this page?" question.
    document.dispatchEvent(new CustomEvent("portal:session-ended"));
    endedForm.elements.next.value = window.location.pathname + window.location.search;
    endedForm.submit();
  }

  function tick() {
    if (ending) {
      return;
    }
    var left = Math.max(lastRequest, stored()) + idleMs - Date.now();
    if (left <= 0) {
      end();
    } else if (left <= warnMs) {
      show(left);
    } else {
      hide();
    }
  }

  function keepAlive() {
    window
      .fetch(keepAliveForm.action, {
        method: "POST",
        body: new FormData(keepAliveForm),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          end(); // ended meanwhile (another tab, the security administrator)
        } else if (response.ok) {
          requested();
          tick();
        }
      })
      .catch(function () {
        /* offline for now: the dialog stays and 继续使用 can be tried again */
      });
  }

  keepAliveForm.addEventListener("submit", function (event) {
    event.preventDefault();
    keepAlive();
  });
  // Escape closes a modal dialog: the user is there, so it counts as 继续使用.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    keepAlive();
  });
  document.body.addEventListener("htmx:afterRequest", requested);
  window.addEventListener("storage", function (event) {
    if (event.key === STORE) {
      tick(); // another tab's request or keep-alive
    }
  });

  requested(); // this page's own request
  window.setInterval(tick, 1000);
})();
