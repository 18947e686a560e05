/* salesgen: filter and sort the deal tables in the browser (progressive enhancement).
 * Without JavaScript the tables are complete and readable; with it, the hidden
 * .sg-filter bar above a table gets one <select> per column it names (data-col), filled
 * from the table's own cells, and clicking a column header sorts the rows.
 * Shipped with the site: nothing is fetched from anywhere. */
(function () {
  "use strict";

  function cellText(row, col, kind) {
    var cell = row.cells[col];
    if (!cell) return "";
    if (kind === "sub") {
      var sub = cell.querySelector("small");
      return sub ? sub.textContent.trim() : "";
    }
    var text = cell.textContent.trim();
    if (kind === "quarter") {
      var m = /^(\d{4})-(\d{2})/.exec(text);
      return m ? m[1] + "-Q" + Math.ceil(parseInt(m[2], 10) / 3) : "";
    }
    return text;
  }

  function sortKey(text) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
    var number = text.replace(/[^\d.\-]/g, "");
    return /\d/.test(text) && /^[\d,.\s%-]+(\s*[A-Z]{3})?$/.test(text) ? parseFloat(number) : text;
  }

  function setUpFilter(bar) {
    var table = document.getElementById(bar.getAttribute("data-for"));
    if (!table || !table.tBodies[0]) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var selects = Array.prototype.slice.call(bar.querySelectorAll("select[data-col]"));
    var output = bar.querySelector("output");
    selects.forEach(function (select) {
      var col = parseInt(select.getAttribute("data-col"), 10);
      var kind = select.getAttribute("data-kind");
      var seen = {};
      rows.forEach(function (row) { var v = cellText(row, col, kind); if (v) seen[v] = true; });
      var all = document.createElement("option");
      all.value = "";
      all.textContent = select.getAttribute("data-all");
      select.appendChild(all);
      Object.keys(seen).sort().forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value;
        select.appendChild(option);
      });
      select.addEventListener("change", apply);
    });

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var keep = selects.every(function (select) {
          return !select.value ||
            cellText(row, parseInt(select.getAttribute("data-col"), 10), select.getAttribute("data-kind")) === select.value;
        });
        row.hidden = !keep;
        if (keep) shown += 1;
      });
      if (output) output.textContent = shown + " / " + rows.length;
    }

    apply();
    bar.hidden = false;
  }

  function setUpSort(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head || !table.tBodies[0]) return;
    Array.prototype.forEach.call(head.cells, function (th, col) {
      th.setAttribute("role", "button");
      th.setAttribute("tabindex", "0");
      th.setAttribute("aria-sort", "none");
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.cells, function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var keys = rows.map(function (row, i) { return [sortKey(cellText(row, col, "")), i, row]; });
        keys.sort(function (a, b) {
          var x = a[0], y = b[0];
          var order = (typeof x === typeof y) ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
          return (ascending ? order : -order) || a[1] - b[1];
        });
        keys.forEach(function (key) { body.appendChild(key[2]); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  function setUp() {
    Array.prototype.forEach.call(document.querySelectorAll(".sg-filter[data-for]"), setUpFilter);
    Array.prototype.forEach.call(document.querySelectorAll("table.sg-dt"), setUpSort);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
