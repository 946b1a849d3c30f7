// Small behaviours on top of htmx: confirmations, toasts, keeping the CSRF header.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // A part of a form shown only for one choice of a select: data-shown-when="SELECT_ID=VALUE".
  function showChosenParts() {
    document.querySelectorAll("[data-shown-when]").forEach(function (part) {
      var rule = part.dataset.shownWhen.split("=");
      var select = document.getElementById(rule[0]);
      if (select) part.hidden = select.value !== rule[1];
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("select")) showChosenParts();
  });
  showChosenParts();

  function toast(message, category) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var item = document.createElement("div");
    item.className = "flash flash--" + (category || "success");
    item.setAttribute("role", "status");
    item.textContent = message;
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 5000);
  }

  document.body.addEventListener("qms:toast", function (event) {
    toast(event.detail.message, event.detail.category);
  });

  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var message = "Lỗi " + xhr.status;
    try {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var text = doc.querySelector(".error-page p:not(.error-page__code)");
      if (text) message = text.textContent;
    } catch (e) { /* keep the status line */ }
    toast(message, "error");
  });

  document.body.addEventListener("htmx:sendError", function () {
    toast(document.documentElement.lang === "en" ? "The server cannot be reached." : "Không kết nối được tới máy chủ.", "error");
  });
})();
