// The draft editor on top of the plain form: formatting buttons and shortcuts that write
// Markdown into the section's textarea, and the keyboard for the steps table. Without this
// file the textareas and the steps table's buttons still work (the form posts them).
(function () {
  "use strict";

  var LINE_PREFIXES = { heading: /^#{1,6} /, bullets: /^[-*+] /, numbers: /^\d+[.)] / };

  // Replace [start, end) of the textarea with text, keeping the browser's undo history
  // where it can, and tell htmx (the preview) that the text changed.
  function replaceRange(area, start, end, text, selectFrom, selectTo) {
    area.focus();
    area.setSelectionRange(start, end);
    var done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (e) { done = false; }
    if (!done || area.value.slice(start, start + text.length) !== text) {
      area.setRangeText(text, start, end, "end");
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    area.setSelectionRange(selectFrom, selectTo);
  }

  // **bold**, *italic*: wrap the selection, or unwrap it when it is wrapped already.
  function toggleWrap(area, marker, placeholder) {
    var value = area.value, start = area.selectionStart, end = area.selectionEnd;
    var size = marker.length;
    var before = value.slice(start - size, start), after = value.slice(end, end + size);
    var wrappedOutside = before === marker && after === marker &&
      // "*" must not take one star of a "**": ***x*** is both.
      (marker !== "*" || value.charAt(start - 2) !== "*" || value.charAt(end + 1) === "*");
    if (wrappedOutside) {
      replaceRange(area, start - size, end + size, value.slice(start, end), start - size, end - size);
      return;
    }
    var selected = value.slice(start, end);
    if (selected.length > 2 * size && selected.slice(0, size) === marker && selected.slice(-size) === marker) {
      var inner = selected.slice(size, -size);
      replaceRange(area, start, end, inner, start, start + inner.length);
      return;
    }
    // Spaces typed around a selection stay outside the markers, or Markdown ignores them.
    var lead = selected.match(/^\s*/)[0], trail = selected.match(/\s*$/)[0];
    var core = selected.trim() || placeholder;
    var text = lead + marker + core + marker + trail;
    var from = start + lead.length + size;
    replaceRange(area, start, end, text, from, from + core.length);
  }

  function bareOf(line) {
    return line.replace(LINE_PREFIXES.heading, "").replace(LINE_PREFIXES.bullets, "").replace(LINE_PREFIXES.numbers, "");
  }

  // Headings and lists work on whole lines: add the prefix to each, or take it off when
  // every line has it already.
  function toggleLines(area, kind, placeholder) {
    var value = area.value;
    var start = value.lastIndexOf("\n", area.selectionStart - 1) + 1;
    var endBreak = value.indexOf("\n", Math.max(area.selectionEnd - (area.selectionEnd > area.selectionStart ? 1 : 0), start));
    var end = endBreak === -1 ? value.length : endBreak;
    var lines = value.slice(start, end).split("\n");
    var pattern = LINE_PREFIXES[kind];
    var filled = lines.filter(function (line) { return line.trim() !== ""; });
    var all = filled.length > 0 && filled.every(function (line) { return pattern.test(line); });
    var number = 0;
    var result = lines.map(function (line) {
      if (all) return line.replace(pattern, "");
      if (line.trim() === "" && lines.length > 1) return line;
      var bare = bareOf(line);
      if (kind === "heading") return "### " + (bare || placeholder);
      if (kind === "bullets") return "- " + bare;
      number += 1;
      return number + ". " + bare;
    });
    var text = result.join("\n");
    var caretTo = start + text.length;
    var caretFrom = lines.length === 1 ? caretTo : start;
    if (kind === "heading" && !all && lines.length === 1 && bareOf(lines[0]).trim() === "") {
      caretFrom = caretTo - placeholder.length;
    }
    replaceRange(area, start, end, text, caretFrom, caretTo);
  }

  function insertLink(area, placeholder) {
    var start = area.selectionStart, end = area.selectionEnd;
    var label = area.value.slice(start, end).trim() || placeholder;
    var url = "https://";
    var text = "[" + label + "](" + url + ")";
    var urlStart = start + label.length + 3;
    replaceRange(area, start, end, text, urlStart, urlStart + url.length);
  }

  function format(area, action, placeholder) {
    if (action === "bold") toggleWrap(area, "**", placeholder);
    else if (action === "italic") toggleWrap(area, "*", placeholder);
    else if (action === "link") insertLink(area, placeholder);
    else toggleLines(area, action, placeholder);
  }

  function toolbarFor(area) {
    return document.querySelector('[data-md-toolbar="' + area.id + '"]');
  }

  function runTool(button) {
    var bar = button.closest("[data-md-toolbar]");
    var area = document.getElementById(bar.dataset.mdToolbar);
    if (area) format(area, button.dataset.md, button.dataset.placeholder || "");
  }

  document.querySelectorAll("[data-md-toolbar], [data-js-only]").forEach(function (part) {
    part.hidden = false;
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-md]");
    if (button) runTool(button);
  });

  var SHORTCUTS = { b: "bold", i: "italic", k: "link" };
  // The field to give the caret back to once htmx has swapped the moved row in.
  var keepFocus = null;

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    // Ctrl+B, Ctrl+I, Ctrl+K in a section's textarea.
    if (target.matches && target.matches("textarea") && (event.ctrlKey || event.metaKey) && !event.altKey &&
        !event.shiftKey && SHORTCUTS[event.key.toLowerCase()]) {
      var bar = toolbarFor(target);
      var button = bar && bar.querySelector('[data-md="' + SHORTCUTS[event.key.toLowerCase()] + '"]');
      if (button) {
        event.preventDefault();
        runTool(button);
      }
      return;
    }
    // Arrow keys move between the buttons of a toolbar (one tab stop for the whole toolbar).
    var tool = target.closest && target.closest("[data-md]");
    if (tool && (event.key === "ArrowRight" || event.key === "ArrowLeft" || event.key === "Home" || event.key === "End")) {
      var tools = Array.prototype.slice.call(tool.parentNode.querySelectorAll("[data-md]"));
      var index = tools.indexOf(tool);
      if (event.key === "ArrowRight") index = (index + 1) % tools.length;
      else if (event.key === "ArrowLeft") index = (index - 1 + tools.length) % tools.length;
      else if (event.key === "Home") index = 0;
      else index = tools.length - 1;
      tools.forEach(function (each, n) { each.tabIndex = n === index ? 0 : -1; });
      tools[index].focus();
      event.preventDefault();
      return;
    }
    // Alt+ArrowUp / Alt+ArrowDown in a field of the steps table move its row; the caret
    // stays in the same field of the moved row.
    var row = target.closest && target.closest("[data-step-row]");
    if (row && event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      var move = row.querySelector('[data-step-op="' + (event.key === "ArrowUp" ? "up" : "down") + '"]');
      event.preventDefault();
      if (!move || move.disabled) return;
      if (target.name) {
        var rows = Array.prototype.slice.call(row.parentNode.children);
        keepFocus = { name: target.name, row: rows.indexOf(row) + (event.key === "ArrowUp" ? -1 : 1) };
      }
      move.click();
    }
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    if (!keepFocus) return;
    var editor = document.querySelector("[data-steps-editor]");
    var row = editor && editor.querySelectorAll("[data-step-row]")[keepFocus.row];
    var field = row && row.querySelector('[name="' + keepFocus.name + '"]');
    keepFocus = null;
    if (field) field.focus();
  });
})();
