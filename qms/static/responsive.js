// The menu button of narrow screens. Loaded in <head> without `defer`, so that the page is
// marked as scripted before it is drawn: without JavaScript the menu simply stays open.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setOpen(button, nav, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-open", open);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".nav-toggle");
    var nav = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!nav) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      setOpen(button, nav, button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(button, nav, false);
        button.focus();
      }
    });
  });
})();
