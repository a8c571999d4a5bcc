/* GovMall: small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  // <form data-confirm="..."> asks before submitting (e.g. revoking an API token).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  // <button data-copy="#id"> copies the value of the element #id; selects it if copying fails.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) return;
    var done = function () {
      var label = button.getAttribute("data-copied");
      if (label) button.textContent = label;
    };
    field.focus();
    if (typeof field.select === "function") field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value || field.textContent).then(done, function () {});
    } else {
      try { if (document.execCommand("copy")) done(); } catch (e) { /* selected; copy by hand */ }
    }
  });
})();
