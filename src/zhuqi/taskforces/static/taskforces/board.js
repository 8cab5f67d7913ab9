// Draws the campaign board's trend (<div data-chart-options="ID">) with the ECharts options the page
// carries as JSON in <script type="application/json" id="ID"> (Django's json_script): no inline
// script for the Content-Security-Policy to allow. Redrawn to the box's width when the window turns.
(function () {
  "use strict";
  function draw() {
    var drawn = [];
    var boxes = document.querySelectorAll("[data-chart-options]");
    for (var i = 0; i < boxes.length; i++) {
      var source = document.getElementById(boxes[i].getAttribute("data-chart-options"));
      if (!source || !window.echarts) continue;
      var options = JSON.parse(source.textContent);
      // ECharts' HTML tooltips carry style="" attributes, which the policy refuses: drawn on the canvas.
      if (options.tooltip) options.tooltip.renderMode = "richText";
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
