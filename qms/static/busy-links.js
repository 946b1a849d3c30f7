// A link marked data-busy-on-click shows the busy spinner while its download is prepared
// (the browser gives no event when a download starts; eight seconds covers the audit pack).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-busy-on-click]");
    if (!link) return;
    link.setAttribute("aria-busy", "true");
    setTimeout(function () { link.removeAttribute("aria-busy"); }, 8000);
  });
})();
