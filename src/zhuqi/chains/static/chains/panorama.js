// The chain panorama: reads the layout the server computed (chains/panorama.py) from the JSON
// address in data-source and draws it as an ECharts graph with layout "none" (no force layout in
// the browser). A click on a member opens its enterprise page, on a gap the target form. The
// checkbox in data-links-toggle redraws with the customer and supplier links.
(function () {
  "use strict";
  var EDGE_STYLES = {
    flow: { color: "#0f766e", width: 2, opacity: 0.8, curveness: 0 },
    supplies: { color: "#5b8f8a", width: 1.5, type: "dashed", opacity: 0.8, curveness: 0.3 },
    link: { color: "#64748b", width: 1, opacity: 0.35, curveness: 0.2 }
  };
  var GAP_COLOUR = "#dc2626";

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return values[key] === null || values[key] === undefined ? "" : String(values[key]);
    });
  }

  function number(value) {
    if (value === null || value === undefined) return "—";
    return Number(value).toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  }

  // The layout scaled the same way across and down (ECharts would stretch it to the box), and the
  // symbols scaled with it when the chain is wide or the screen narrow; zooming in enlarges them.
  function fit(data, box) {
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (var i = 0; i < data.nodes.length; i++) {
      var n = data.nodes[i];
      if (n.x < minX) minX = n.x; if (n.x > maxX) maxX = n.x;
      if (n.y < minY) minY = n.y; if (n.y > maxY) maxY = n.y;
    }
    var dw = Math.max(maxX - minX, 1), dh = Math.max(maxY - minY, 1);
    var segment = Math.min(132, Math.max(64, box.clientWidth / Math.max(data.columns, 1) - 24));
    var pad = { left: segment / 2 + 12, right: segment / 2 + 12, top: 56, bottom: 30 };
    var width = Math.max(box.clientWidth - pad.left - pad.right, 50);
    var height = Math.max(box.clientHeight - pad.top - pad.bottom, 50);
    var scale = Math.min(width / dw, height / dh);
    return {
      left: pad.left + (width - dw * scale) / 2,
      top: pad.top + (height - dh * scale) / 2,
      width: dw * scale,
      height: dh * scale,
      members: Math.max(0.25, Math.min(1, (scale * data.cell) / 48)),
      segment: [segment, Math.max(20, Math.round(34 * segment / 132))]
    };
  }

  function nodeOf(node, box) {
    var out = {};
    for (var key in node) if (Object.prototype.hasOwnProperty.call(node, key)) out[key] = node[key];
    if (node.kind === "segment" || node.kind === "header") {
      out.symbolSize = box.segment;
      out.label = { show: true, position: "inside", color: "#fff", fontSize: box.segment[0] < 100 ? 11 : 12,
        fontWeight: "bold", overflow: "truncate", width: box.segment[0] - 8 };
      if (node.gap) {
        out.itemStyle = { color: "#fff", borderColor: GAP_COLOUR, borderType: "dashed", borderWidth: 2 };
        out.label.color = GAP_COLOUR;
      }
      if (node.kind === "segment") out.label.formatter = node.gap ? node.name + " ⚠" : node.name + " (" + node.members + ")";
    } else {
      out.symbolSize = Math.max(4, node.symbolSize * box.members);
      // The owners, leaders and outside ends carry their names; the rest show theirs on hover
      // (500 labels would overlap).
      out.label = { show: node.role === "owner" || node.role === "leading" || node.kind === "outside",
        position: "bottom", fontSize: 11, overflow: "truncate", width: 90 };
    }
    return out;
  }

  function edgeOf(edge) {
    var out = { source: edge.source, target: edge.target, lineStyle: EDGE_STYLES[edge.kind] || EDGE_STYLES.link };
    out.kind = edge.kind;
    out.product = edge.product;
    out.volume = edge.volume;
    out.unit = edge.unit;
    return out;
  }

  function tooltip(data, labels, byId) {
    return function (params) {
      var d = params.data || {};
      if (params.dataType === "edge") {
        if (d.kind !== "link") return "";
        var from = byId[d.source], to = byId[d.target];
        var text = (from ? from.full_name || from.name : "") + " → " + (to ? to.full_name || to.name : "");
        text += "\n" + labels.product + "：" + (d.product || "—");
        if (d.volume !== null && d.volume !== undefined) text += "\n" + labels.volume + "：" + number(d.volume) + " " + (d.unit || "");
        return text;
      }
      if (d.kind === "segment") {
        var lines = [d.name, labels.members + "：" + number(d.members), labels.output + "：" + number(d.output)];
        if (d.gap) lines.push(labels.gap + "：" + d.reason, labels.add_target);
        return lines.join("\n");
      }
      if (d.kind === "member") {
        return [d.full_name, labels.segment + "：" + d.segment, labels.role + "：" + d.role_label,
          labels.output + "：" + number(d.output), labels.above_scale + "：" + (d.above_scale ? labels.yes : labels.no),
          labels.open_enterprise].join("\n");
      }
      return d.full_name || d.name || "";
    };
  }

  function options(data, box) {
    var place = fit(data, box);
    var byId = {};
    for (var i = 0; i < data.nodes.length; i++) byId[data.nodes[i].id] = data.nodes[i];
    var many = data.nodes.length > 300;
    return {
      animation: !many,
      tooltip: { renderMode: "richText", confine: true, formatter: tooltip(data, data.labels, byId) },
      legend: [{ type: "scroll", top: 0, data: data.categories.map(function (c) { return c.name; }) }],
      series: [{
        type: "graph",
        layout: "none",
        // On a touch screen the page scrolls the chart sideways; a mouse zooms and pans it.
        roam: !window.matchMedia("(pointer: coarse)").matches,
        left: place.left, top: place.top, width: place.width, height: place.height,
        categories: data.categories.map(function (c) { return { name: c.name, itemStyle: c.itemStyle }; }),
        data: data.nodes.map(function (node) { return nodeOf(node, place); }),
        links: data.edges.map(edgeOf),
        edgeSymbol: ["none", "arrow"],
        edgeSymbolSize: 6,
        labelLayout: { hideOverlap: true },
        emphasis: { focus: "adjacency", label: { show: true } },
        progressiveThreshold: 3000
      }]
    };
  }

  function init(box) {
    var chart = window.echarts.init(box);
    var toggle = document.getElementById(box.getAttribute("data-links-toggle"));
    var status = document.getElementById(box.getAttribute("data-status"));
    var request = 0;
    var shown = null;

    function say(text) { if (status) status.textContent = text; }

    function load() {
      var mine = ++request;
      var url = box.getAttribute("data-source") + (toggle && toggle.checked ? "?links=1" : "");
      box.removeAttribute("data-drawn");
      say(box.getAttribute("data-text-loading"));
      chart.showLoading();
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          if (mine !== request) return;
          chart.hideLoading();
          shown = data;
          chart.setOption(options(data, box), true);
          var text = format(box.getAttribute("data-text-summary"), data.summary);
          if (data.with_links) text += format(box.getAttribute("data-text-links"), data.summary);
          say(text);
          box.setAttribute("data-drawn", String(data.nodes.length));
          box.setAttribute("data-links", data.with_links ? "1" : "0");
        })
        .catch(function () {
          if (mine !== request) return;
          chart.hideLoading();
          say(box.getAttribute("data-text-failed"));
        });
    }

    chart.on("click", function (params) {
      if (params.dataType === "node" && params.data && params.data.url) window.location.assign(params.data.url);
    });
    if (toggle) toggle.addEventListener("change", load);
    window.addEventListener("resize", function () {
      chart.resize();
      if (shown) chart.setOption(options(shown, box), true);
    });
    load();
  }

  function start() {
    if (!window.echarts) return;
    var boxes = document.querySelectorAll("[data-source][data-links-toggle]");
    for (var i = 0; i < boxes.length; i++) init(boxes[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
