// Progressive enhancement only: every page works without this file.
// Loaded with `defer` (no inline script, so a strict Content-Security-Policy can forbid them).
(function () {
  "use strict";

  // After a failed submit, take keyboard and screen-reader focus to the error summary, so
  // the first thing announced is what to correct.
  var summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  summary.focus();

  // A summary link moves focus to its field, not only the scroll position (browsers do not
  // focus an input reached through a fragment link), and keeps the field's label in view.
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var group = field.closest(".field") || field;
    group.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();

(function () {
  "use strict";

  // The case list's select-all box: without this file it stands for the whole page on
  // the server (cases.list_forms.BulkForm); with it, the boxes show what will be changed.
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var form = all.form;
    var name = all.getAttribute("data-select-all");
    all.addEventListener("change", function () {
      form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (box) {
        box.checked = all.checked;
      });
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === name && !event.target.checked) {
        all.checked = false;
      }
    });
  });
})();

(function () {
  "use strict";

  // The occupation picker (occupations.forms.OccupationCodeInput): as staff type a word,
  // the browser's own suggestion list (<datalist>) is filled from the search endpoint, so
  // arrow keys and Enter choose. Without this file they type the code itself.
  document.querySelectorAll("input[data-occupation-search]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-occupation-search");
    var timer = null;
    var asked = "";
    if (!list || !window.fetch) {
      return;
    }
    input.addEventListener("input", function () {
      var query = input.value.trim();
      window.clearTimeout(timer);
      // A chosen suggestion ("7411 Elektrikere") is a value, not a new search.
      if (query.length < 2 || /^\d{1,4} /.test(query) || query === asked) {
        return;
      }
      timer = window.setTimeout(function () {
        asked = query;
        fetch(url + "?q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            if (input.value.trim() !== query) {
              return; // a later keystroke asked again
            }
            list.replaceChildren.apply(
              list,
              data.results.map(function (item) {
                var option = document.createElement("option");
                option.value = item.label;
                return option;
              })
            );
          })
          .catch(function () {});
      }, 150);
    });
  });
})();
