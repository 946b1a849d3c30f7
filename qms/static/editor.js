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

  // ---- Tables: the Markdown pipe table at the caret, edited as a grid of boxes. ----
  var DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
  var grid = null; // {area, panel, start, end, align, rows} while a table is open

  function splitCells(line) {
    var text = line.trim();
    if (text.charAt(0) === "|") text = text.slice(1);
    if (text.slice(-1) === "|" && text.slice(-2) !== "\\|") text = text.slice(0, -1);
    return text.split(/(?<!\\)\|/).map(function (cell) { return cell.trim().replace(/\\\|/g, "|"); });
  }

  function lineStarts(value) {
    var starts = [0];
    for (var i = 0; i < value.length; i += 1) if (value.charAt(i) === "\n") starts.push(i + 1);
    return starts;
  }

  // The table around the caret: its text range, alignment row and cells; null if none.
  function tableAt(area) {
    var value = area.value, starts = lineStarts(value), lines = value.split("\n");
    var here = 0;
    while (here + 1 < starts.length && starts[here + 1] <= area.selectionStart) here += 1;
    var isRow = function (n) { return n >= 0 && n < lines.length && lines[n].indexOf("|") !== -1; };
    if (!isRow(here)) return null;
    var first = here, last = here;
    while (isRow(first - 1)) first -= 1;
    while (isRow(last + 1)) last += 1;
    if (last - first < 1 || !DELIMITER.test(lines[first + 1])) return null;
    var rows = [splitCells(lines[first])];
    for (var n = first + 2; n <= last; n += 1) rows.push(splitCells(lines[n]));
    return {
      start: starts[first], end: starts[last] + lines[last].length,
      align: splitCells(lines[first + 1]), rows: rows,
    };
  }

  function tableText(table) {
    var columns = table.rows[0].length;
    var escape = function (cell) { return cell.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " "); };
    var row = function (cells) {
      var padded = [];
      for (var c = 0; c < columns; c += 1) padded.push(escape(cells[c] || ""));
      return "| " + padded.join(" | ") + " |";
    };
    var align = [];
    for (var c = 0; c < columns; c += 1) align.push(/^:?-+:?$/.test(table.align[c] || "") ? table.align[c] : "---");
    var lines = [row(table.rows[0]), "|" + align.join("|") + "|"];
    for (var r = 1; r < table.rows.length; r += 1) lines.push(row(table.rows[r]));
    return lines.join("\n");
  }

  // Write the grid back into the textarea, in place of the table it came from.
  function writeTable() {
    var text = tableText(grid);
    var area = grid.area;
    area.setRangeText(text, grid.start, grid.end, "preserve");
    grid.end = grid.start + text.length;
    grid.writing = true;
    area.dispatchEvent(new Event("input", { bubbles: true }));
    grid.writing = false;
  }

  function words(key, row, column) {
    return (grid.panel.dataset[key] || "").replace("{row}", row).replace("{column}", column);
  }

  function drawGrid(focusRow, focusColumn) {
    var panel = grid.panel;
    var head = panel.querySelector("thead"), body = panel.querySelector("tbody");
    head.textContent = "";
    body.textContent = "";
    grid.rows.forEach(function (cells, r) {
      var tr = document.createElement("tr");
      cells.forEach(function (cell, c) {
        var td = document.createElement(r === 0 ? "th" : "td");
        var input = document.createElement("input");
        input.value = cell;
        input.dataset.row = r;
        input.dataset.column = c;
        input.setAttribute("aria-label", r === 0 ? words("heading", r, c + 1) : words("cell", r, c + 1));
        td.appendChild(input);
        tr.appendChild(td);
      });
      var tools = document.createElement(r === 0 ? "th" : "td");
      if (r > 0 && grid.rows.length > 2) {
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "icon-button icon-button--danger";
        remove.dataset.table = "remove-row";
        remove.dataset.row = r;
        remove.textContent = "×";
        remove.title = words("removeRow", r, "");
        remove.setAttribute("aria-label", remove.title);
        tools.appendChild(remove);
      }
      tr.appendChild(tools);
      (r === 0 ? head : body).appendChild(tr);
    });
    if (focusRow !== undefined) {
      var target = panel.querySelector('input[data-row="' + focusRow + '"][data-column="' + focusColumn + '"]');
      if (target) target.focus();
    }
  }

  function openTable(area, placeholder) {
    if (grid) closeTable(false);
    var table = tableAt(area);
    if (!table) {
      // A new two-column table on lines of its own, at the caret.
      var at = area.selectionEnd, value = area.value;
      var before = at === 0 || value.slice(0, at).slice(-2) === "\n\n" ? "" : (value.charAt(at - 1) === "\n" ? "\n" : "\n\n");
      var after = at === value.length || value.slice(at, at + 2) === "\n\n" ? "" : (value.charAt(at) === "\n" ? "\n" : "\n\n");
      var skeleton = tableText({ align: [], rows: [[placeholder + " 1", placeholder + " 2"], ["", ""]] });
      replaceRange(area, at, at, before + skeleton + after, at + before.length, at + before.length);
      table = tableAt(area);
    }
    var panel = document.querySelector('[data-md-table="' + area.id + '"]');
    grid = { area: area, panel: panel, start: table.start, end: table.end, align: table.align, rows: table.rows };
    panel.hidden = false;
    drawGrid(0, 0);
  }

  function closeTable(giveFocusBack) {
    if (!grid) return;
    var area = grid.area;
    grid.panel.hidden = true;
    var end = grid.end;
    grid = null;
    if (giveFocusBack) {
      area.focus();
      area.setSelectionRange(end, end);
    }
  }

  function tableAction(button) {
    var action = button.dataset.table;
    var columns = grid.rows[0].length;
    if (action === "close") { closeTable(true); return; }
    if (action === "add-row") {
      grid.rows.push(new Array(columns).fill(""));
      writeTable();
      drawGrid(grid.rows.length - 1, 0);
    } else if (action === "add-column") {
      grid.rows.forEach(function (cells) { cells.push(""); });
      writeTable();
      drawGrid(0, columns);
    } else if (action === "remove-column" && columns > 1) {
      grid.rows.forEach(function (cells) { cells.splice(columns - 1, 1); });
      writeTable();
      drawGrid(0, columns - 2);
    } else if (action === "remove-row") {
      var row = Number(button.dataset.row);
      grid.rows.splice(row, 1);
      writeTable();
      drawGrid(Math.min(row, grid.rows.length - 1), 0);
    }
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (grid && target.matches("[data-md-table] input")) {
      grid.rows[Number(target.dataset.row)][Number(target.dataset.column)] = target.value;
      writeTable();
    } else if (grid && target === grid.area && !grid.writing) {
      // Typed in the text itself: the grid no longer knows where its table is.
      closeTable(false);
    }
  });

  // In a cell, Enter goes to the cell below (a new row after the last) instead of saving the
  // draft, and Escape goes back to the text.
  document.addEventListener("keydown", function (event) {
    if (!grid || !event.target.matches("[data-md-table] input")) return;
    if (event.key === "Escape") {
      event.preventDefault();
      closeTable(true);
    } else if (event.key === "Enter") {
      event.preventDefault();
      var row = Number(event.target.dataset.row) + 1, column = Number(event.target.dataset.column);
      if (row >= grid.rows.length) {
        grid.rows.push(new Array(grid.rows[0].length).fill(""));
        writeTable();
        drawGrid(row, column);
      } else {
        grid.panel.querySelector('input[data-row="' + row + '"][data-column="' + column + '"]').focus();
      }
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-table]");
    if (button && grid && grid.panel.contains(button)) tableAction(button);
  });

  function format(area, action, placeholder) {
    if (action === "table") openTable(area, placeholder);
    else if (action === "bold") toggleWrap(area, "**", placeholder);
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

  // A row operation is answered with the whole table as the form was when the request left.
  // Text typed into the table meanwhile is carried into the new table, in the row it was
  // typed in (data-from tells where each row was before), so the swap never takes it away.
  function stepValues(editor) {
    return Array.prototype.map.call(editor.querySelectorAll("[data-step-row]"), function (row) {
      var values = {};
      row.querySelectorAll("[name^='step_']").forEach(function (field) { values[field.name] = field.value; });
      return values;
    });
  }

  function isStepsTable(event) {
    return event.detail.target && event.detail.target.id === "steps-editor";
  }

  var sentSteps = null, typedSince = null;

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (isStepsTable(event)) sentSteps = stepValues(event.detail.target);
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (!isStepsTable(event) || !sentSteps) return;
    var now = stepValues(event.detail.target);
    typedSince = now.map(function (values, row) {
      var changed = {};
      Object.keys(values).forEach(function (name) {
        if (!sentSteps[row] || sentSteps[row][name] !== values[name]) changed[name] = values[name];
      });
      return changed;
    });
    sentSteps = null;
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (!isStepsTable(event) || !typedSince) return;
    var typed = typedSince;
    typedSince = null;
    document.querySelectorAll("#steps-editor [data-step-row][data-from]").forEach(function (row) {
      var changed = typed[Number(row.dataset.from)] || {};
      Object.keys(changed).forEach(function (name) {
        var field = row.querySelector('[name="' + name + '"]');
        if (field) field.value = changed[name];
      });
    });
  });

  // Once the steps table is swapped in, and only then (other parts of the page settle too,
  // the bell's count every minute): the caret goes where it was, else to the marked control.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (!isStepsTable(event)) return;
    var marked = document.querySelector("[data-steps-editor] [data-autofocus]");
    if (marked) marked.removeAttribute("data-autofocus");
    if (marked && !keepFocus) marked.focus();
    if (!keepFocus) return;
    var editor = document.querySelector("[data-steps-editor]");
    var row = editor && editor.querySelectorAll("[data-step-row]")[keepFocus.row];
    var field = row && row.querySelector('[name="' + keepFocus.name + '"]');
    keepFocus = null;
    if (field) field.focus();
  });
})();
