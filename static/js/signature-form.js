/* A form with a signature pad: sizes the canvas for high-DPI screens, keeps submit blocked while the pad is
   empty, and puts the PNG data URL into the hidden field when the form is sent.
   Markup: <form data-signature-form> with <canvas data-signature-canvas>, <input name="signature">,
   a [data-signature-clear] button and a [data-signature-submit] button. */
(function () {
  "use strict";

  // The server refuses images larger than this; a wide tablet at 2x would exceed it.
  var MAX_WIDTH = 2000;
  var MAX_HEIGHT = 1000;

  function setUp(form) {
    var canvas = form.querySelector("[data-signature-canvas]");
    var field = form.querySelector("input[name=signature]");
    var clear = form.querySelector("[data-signature-clear]");
    var submit = form.querySelector("[data-signature-submit]");
    var pad = new SignaturePad(canvas, {
      penColor: "#0b1f4d",
      minWidth: 0.8,
      maxWidth: 2.6,
      backgroundColor: "rgba(0,0,0,0)"
    });
    var lastWidth = 0;

    function refresh() {
      submit.disabled = pad.isEmpty();
    }

    function resize() {
      // Mobile browsers fire resize when the address bar hides; only a real width change resets the pad.
      if (canvas.offsetWidth === lastWidth) return;
      lastWidth = canvas.offsetWidth;
      var ratio = Math.min(
        Math.max(window.devicePixelRatio || 1, 1),
        MAX_WIDTH / canvas.offsetWidth,
        MAX_HEIGHT / canvas.offsetHeight
      );
      canvas.width = Math.floor(canvas.offsetWidth * ratio);
      canvas.height = Math.floor(canvas.offsetHeight * ratio);
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      refresh();
    }

    pad.addEventListener("endStroke", refresh);
    clear.addEventListener("click", function () {
      pad.clear();
      refresh();
    });
    form.addEventListener("submit", function (event) {
      if (pad.isEmpty()) {
        event.preventDefault();
        refresh();
        return;
      }
      field.value = pad.toDataURL("image/png");
      submit.disabled = true; // one press, one request
    });
    window.addEventListener("resize", resize);
    resize();
    form.setAttribute("data-signature-ready", "");
  }

  document.querySelectorAll("form[data-signature-form]").forEach(setUp);
})();
