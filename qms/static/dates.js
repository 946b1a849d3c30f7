// Date fields (input.date-input) are typed dd/mm/yyyy. When the field is left, a date typed
// another common way is rewritten that way: 5/3/2026, 05.03.2026, 05032026, 2026-03-05 all
// become 05/03/2026. Anything else stays as typed, for the field's pattern and the server
// (qms/dates.py) to refuse with a reason.
(function () {
  "use strict";

  function two(n) { return (n.length === 1 ? "0" : "") + n; }

  function normalise(text) {
    var value = text.trim(), match;
    if ((match = /^(\d{1,2})[\/.\-\s](\d{1,2})[\/.\-\s](\d{4})$/.exec(value))) {
      return two(match[1]) + "/" + two(match[2]) + "/" + match[3];
    }
    if ((match = /^(\d{2})(\d{2})(\d{4})$/.exec(value))) return match[1] + "/" + match[2] + "/" + match[3];
    if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value))) {
      return two(match[3]) + "/" + two(match[2]) + "/" + match[1];
    }
    return text;
  }

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("input.date-input")) return;
    var value = normalise(field.value);
    if (value !== field.value) field.value = value;
  }, true);
})();
