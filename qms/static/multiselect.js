// A `<select multiple>` becomes a list of checkboxes with a filter box: typed letters narrow
// the list (diacritics ignored), arrows move between the boxes, Space ticks one, Enter in the
// filter ticks the only match. The select stays in the form, hidden, and carries the choice,
// so the form posts the same fields as without JavaScript.
(function () {
  "use strict";

  var english = document.documentElement.lang === "en";
  var words = english
    ? { filter: "Type to filter", none: "No match", chosen: function (n) { return n + " selected"; } }
    : { filter: "Gõ để lọc", none: "Không có ai khớp", chosen: function (n) { return "Đã chọn " + n; } };

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  var counter = 0;

  function enhance(select) {
    if (select.dataset.multiselect === "on" || select.dataset.multiselect === "off") return;
    select.dataset.multiselect = "on";
    counter += 1;
    var id = select.id || "ms-" + counter;
    var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;

    var box = document.createElement("div");
    box.className = "multiselect";
    var filter = document.createElement("input");
    filter.type = "search";
    filter.id = id + "-filter";
    filter.className = "multiselect__filter";
    filter.placeholder = words.filter;
    filter.autocomplete = "off";
    var list = document.createElement("ul");
    list.className = "multiselect__list";
    list.id = id + "-list";
    filter.setAttribute("aria-controls", list.id);
    var status = document.createElement("small");
    status.className = "multiselect__status";
    status.setAttribute("aria-live", "polite");
    if (label) {
      if (!label.id) label.id = id + "-label";
      list.setAttribute("aria-labelledby", label.id);
      label.htmlFor = filter.id;
    }
    var described = select.getAttribute("aria-describedby");
    if (described) filter.setAttribute("aria-describedby", described);
    if (select.getAttribute("aria-invalid")) filter.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));

    var boxes = [];
    Array.prototype.forEach.call(select.options, function (option, index) {
      var item = document.createElement("li");
      var itemLabel = document.createElement("label");
      var check = document.createElement("input");
      check.type = "checkbox";
      check.id = id + "-option-" + index;
      check.value = option.value;
      check.checked = option.selected;
      check.disabled = option.disabled;
      check.addEventListener("change", function () {
        option.selected = check.checked;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        count();
      });
      itemLabel.htmlFor = check.id;
      itemLabel.appendChild(check);
      itemLabel.appendChild(document.createTextNode(" " + option.textContent.trim()));
      item.appendChild(itemLabel);
      item.dataset.text = fold(option.textContent);
      list.appendChild(item);
      boxes.push(check);
    });
    var empty = document.createElement("li");
    empty.className = "multiselect__empty";
    empty.textContent = words.none;
    empty.hidden = true;
    list.appendChild(empty);

    function visible() {
      return boxes.filter(function (check) { return !check.closest("li").hidden && !check.disabled; });
    }
    function count() {
      status.textContent = words.chosen(boxes.filter(function (check) { return check.checked; }).length);
    }
    function narrow() {
      var wanted = fold(filter.value.trim());
      boxes.forEach(function (check) {
        var item = check.closest("li");
        item.hidden = wanted !== "" && item.dataset.text.indexOf(wanted) === -1;
      });
      empty.hidden = visible().length > 0;
    }

    filter.addEventListener("input", narrow);
    filter.addEventListener("keydown", function (event) {
      var shown = visible();
      if (event.key === "ArrowDown" && shown.length) {
        event.preventDefault();
        shown[0].focus();
      } else if (event.key === "Enter") {
        event.preventDefault();  // Enter here never submits the form half-filled
        if (shown.length === 1) shown[0].click();
      } else if (event.key === "Escape" && filter.value) {
        event.preventDefault();
        filter.value = "";
        narrow();
      }
    });
    list.addEventListener("keydown", function (event) {
      var shown = visible();
      var at = shown.indexOf(document.activeElement);
      if (at === -1) return;
      if (event.key === "ArrowDown" && at < shown.length - 1) {
        event.preventDefault();
        shown[at + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (at > 0 ? shown[at - 1] : filter).focus();
      } else if (event.key === "Enter") {
        event.preventDefault();
        document.activeElement.click();
      }
    });

    box.appendChild(filter);
    box.appendChild(list);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select);
    select.hidden = true;
    select.tabIndex = -1;
    count();
  }

  function enhanceWithin(root) {
    if (!root.querySelectorAll) return;
    if (root.matches && root.matches("select[multiple]")) enhance(root);
    root.querySelectorAll("select[multiple]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceWithin(document); });
  document.addEventListener("htmx:load", function (event) { enhanceWithin(event.target); });
})();
