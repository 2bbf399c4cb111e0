/* List tables read as cards on a phone (issue 17, item 5). No inline script: the CSP
 * forbids it.
 *
 * Every table in <main> with a header row gets the class `table-cards`, and each of its
 * cells the text of its column's header in data-label; static/css/responsive.css shows,
 * below 768 px, each row as a card of “label  value” lines. Above 768 px nothing changes.
 * A table marked data-cards="off" (a small grid of figures that reads best as a grid) is
 * left alone; a table without a <thead> (the key/value tables of the detail pages) is
 * already one column of labels and is never touched.
 *
 * A cell that spans every column (“no records yet”, a row of totals' title) has no label.
 * The table, its row groups, rows and cells get their ARIA roles spelt out: some browsers
 * (Safari) forget a table's semantics once CSS displays its parts as blocks, and a screen
 * reader would then hear neither the headers nor the grid.
 */
(function () {
  "use strict";

  function headerText(cell) {
    return cell.textContent.replace(/\s+/g, " ").trim();
  }

  // The labels of the columns, one per column: a header cell spanning two columns names both.
  function columnLabels(table) {
    var rows = table.tHead ? table.tHead.rows : [];
    if (!rows.length) {
      return null;
    }
    var labels = [];
    Array.prototype.forEach.call(rows[rows.length - 1].cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i += 1) {
        labels.push(headerText(cell));
      }
    });
    return labels;
  }

  function label(table) {
    if (table.getAttribute("data-cards") === "off") {
      return;
    }
    var labels = columnLabels(table);
    if (!labels) {
      return;
    }
    table.classList.add("table-cards");
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.tHead.rows, function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (cell) {
        cell.setAttribute("role", "columnheader");
      });
    });
    table.tHead.setAttribute("role", "rowgroup");
    var groups = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) {
      groups.push(table.tFoot);
    }
    groups.forEach(function (group) {
      group.setAttribute("role", "rowgroup");
      Array.prototype.forEach.call(group.rows, function (row) {
        row.setAttribute("role", "row");
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var span = cell.colSpan || 1;
          var spansAll = span >= labels.length && labels.length > 1;
          cell.setAttribute("data-label", spansAll ? "" : labels[column] || "");
          cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
          column += span;
        });
      });
    });
  }

  function labelWithin(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    var table = root.closest ? root.closest("main table") : null;
    if (table) {
      label(table);
    }
    Array.prototype.forEach.call(root.querySelectorAll("table"), function (found) {
      if (found.closest("main")) {
        label(found);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelWithin(document.querySelector("main"));
  });
  // Rows that htmx puts in the page later (a filtered list, a redrawn table).
  document.addEventListener("htmx:load", function (event) {
    labelWithin(event.target);
  });
})();
