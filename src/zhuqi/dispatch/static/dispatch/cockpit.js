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
