/* Behaviour every page may use, driven by data attributes: the Content-Security-Policy allows no inline
   script, no on* handler and no style attribute in the markup. */
(function () {
  "use strict";

  // <select data-autosubmit>: choosing submits its form (the language switch); without script a button does.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.requestSubmit();
    });
  });

  // <form data-confirm="question">: ask before an action that cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  // Sizes computed by the server: data-width (percent) and data-height (pixels).
  document.querySelectorAll("[data-width]").forEach(function (el) {
    el.style.width = el.getAttribute("data-width") + "%";
  });
  document.querySelectorAll("[data-height]").forEach(function (el) {
    el.style.height = el.getAttribute("data-height") + "px";
  });
})();
