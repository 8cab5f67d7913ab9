// Draws every <div data-chart-options="ID"> with the ECharts options the page carries as JSON in
// <script type="application/json" id="ID"> (Django's json_script): no inline script to allow.
(function () {
  "use strict";
  function draw() {
    var charts = document.querySelectorAll("[data-chart-options]");
    for (var i = 0; i < charts.length; i++) {
      var source = document.getElementById(charts[i].getAttribute("data-chart-options"));
      if (!source || !window.echarts) continue;
      var options = JSON.parse(source.textContent);
      // ECharts' HTML tooltips are built with style="" attributes, which the policy refuses
      // (no 'unsafe-inline'): they are drawn on the chart's canvas instead.
      if (options.tooltip) options.tooltip.renderMode = "richText";
      window.echarts.init(charts[i]).setOption(options);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
