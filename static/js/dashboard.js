// Draws the dashboard's charts from the JSON that the page embeds (json_script).
// Each chart's numbers are also in a table below it, for screen readers and auditors.
(function () {
  "use strict";
  var el = document.getElementById("dashboard-data");
  if (!el || typeof Chart === "undefined") { return; }
  var data = JSON.parse(el.textContent);
  var palette = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#dc3545", "#198754", "#ffc107", "#0dcaf0"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { new Chart(canvas, config); }
  }
  function labels(rows) { return rows.map(function (r) { return r.label; }); }
  // A long name (保定国家高新技术产业开发区) on lines of 7 characters: Chart.js caps the
  // axis's width and cut the first characters on a narrow screen.
  function wrapped(rows) {
    return labels(rows).map(function (l) { return l.length > 7 ? l.match(/.{1,7}/g) : l; });
  }
  function values(rows, key) { return rows.map(function (r) { return r[key || "value"]; }); }

  draw("chart-category", {
    type: "doughnut",
    data: { labels: labels(data.by_category), datasets: [{ data: values(data.by_category), backgroundColor: palette }] }
  });
  draw("chart-status", {
    type: "bar",
    data: { labels: labels(data.by_status), datasets: [{ label: data.labels.alliances, data: values(data.by_status), backgroundColor: palette[0] }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  draw("chart-jurisdiction", {
    type: "bar",
    data: { labels: wrapped(data.by_jurisdiction), datasets: [{ label: data.labels.alliances, data: values(data.by_jurisdiction), backgroundColor: palette[1] }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  draw("chart-filings", {
    type: "line",
    data: {
      labels: labels(data.filings_per_month),
      datasets: [
        { label: data.labels.submitted, data: values(data.filings_per_month, "submitted"), borderColor: palette[0], backgroundColor: palette[0] },
        { label: data.labels.filed, data: values(data.filings_per_month, "filed"), borderColor: palette[1], backgroundColor: palette[1] }
      ]
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  draw("chart-compliance", {
    type: "bar",
    data: {
      labels: data.compliance.map(function (r) { return String(r.year); }),
      datasets: [
        { label: data.labels.on_time, data: values(data.compliance, "on_time"), backgroundColor: palette[5] },
        { label: data.labels.late, data: values(data.compliance, "late"), backgroundColor: palette[6] },
        { label: data.labels.missing, data: values(data.compliance, "missing"), backgroundColor: palette[4] }
      ]
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
  });
  draw("chart-subsidies", {
    type: "bar",
    data: {
      labels: data.subsidies.years.map(String),
      datasets: data.subsidies.series.map(function (s, i) { return { label: s.label, data: s.values, backgroundColor: palette[i] }; })
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } }
  });
})();
