// The customer's drawn signature on the delivery voucher (P2.5.b): a <canvas> taking finger, pen or
// mouse strokes (pointer events), a clear button, and on submit the drawing as a PNG data URL in the
// hidden "signature" field. The server checks the PNG again (real image, size, not blank).
(function () {
  "use strict";
  function setup(form) {
    var canvas = form.querySelector("canvas[data-signature-pad]");
    var field = form.querySelector("input[name=signature]");
    var clear = form.querySelector("[data-signature-clear]");
    var hint = form.querySelector("[data-signature-empty]");
    if (!canvas || !field) return;
    var ctx = canvas.getContext("2d");
    var drawing = false, inked = false, last = null;

    function fit() {
      // Draw at the screen's real pixel density; keep what was drawn when the phone turns.
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var rect = canvas.getBoundingClientRect();
      var old = inked ? canvas.toDataURL("image/png") : null;
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111827";
      if (old) {
        var img = new Image();
        img.onload = function () { ctx.drawImage(img, 0, 0, rect.width, rect.height); };
        img.src = old;
      }
    }
    function point(e) {
      var rect = canvas.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    }
    canvas.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      canvas.setPointerCapture(e.pointerId);
      drawing = true;
      last = point(e);
      ctx.beginPath();
      ctx.arc(last.x, last.y, 1, 0, 2 * Math.PI);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fill();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      e.preventDefault();
      var p = point(e);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
      inked = true;
      if (hint) hint.classList.add("d-none");
    });
    function stop() { drawing = false; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);
    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        inked = false;
        field.value = "";
      });
    }
    form.addEventListener("submit", function (e) {
      if (!inked) {
        e.preventDefault();
        if (hint) hint.classList.remove("d-none");
        canvas.focus();
        return;
      }
      field.value = canvas.toDataURL("image/png");
    });
    window.addEventListener("resize", fit);
    fit();
  }
  document.querySelectorAll("form[data-voucher-sign]").forEach(setup);
})();
