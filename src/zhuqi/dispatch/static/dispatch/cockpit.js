// Draws the cockpit's charts (<div data-chart-options="ID">) with the ECharts options the page
// carries as JSON in <script type="application/json" id="ID"> (Django's json_script): no inline
// script for the Content-Security-Policy to allow. Every chart's figures are also in the table
// beneath it. Redrawn to the box's width when the window turns.
(function () {
  "use strict";
  function percent(value) {
    return value === null || value === undefined || value === "-" ? "—" : value + "%";
  }
  function draw() {
    var drawn = [];
    var boxes = document.querySelectorAll("[data-chart-options]");
    for (var i = 0; i < boxes.length; i++) {
      var source = document.getElementById(boxes[i].getAttribute("data-chart-options"));
      if (!source || !window.echarts) continue;
      var options = JSON.parse(source.textContent);
      if (options.tooltip) {
        // ECharts' HTML tooltips carry style="" attributes, which the policy refuses: drawn on the canvas.
        options.tooltip.renderMode = "richText";
        // JSON carries no functions: a named formatter is given here.
        if (options.tooltip.valueFormatter === "percent") options.tooltip.valueFormatter = percent;
      }
      var chart = window.echarts.init(boxes[i]);
      chart.setOption(options);
      drawn.push(chart);
    }
    window.addEventListener("resize", function () {
      for (var j = 0; j < drawn.length; j++) drawn[j].resize();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();

// The period picker: typing a date chooses 自定义; choosing a named period clears the dates, so
// what the picker shows is what the figures are for.
(function () {
  "use strict";
  function wire() {
    var form = document.querySelector("[data-testid=cockpit-filters]");
    if (!form) return;
    var picker = form.querySelector("[name=period]");
    var dates = form.querySelectorAll("input[type=date]");
    for (var i = 0; i < dates.length; i++) {
      dates[i].addEventListener("change", function () {
        if (picker) picker.value = "custom";
      });
    }
    if (picker) {
      picker.addEventListener("change", function () {
        if (picker.value === "custom") return;
        for (var j = 0; j < dates.length; j++) dates[j].value = "";
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
