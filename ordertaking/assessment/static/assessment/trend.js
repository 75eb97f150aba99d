// The KPI detail page (P6.2): draws the trend from the JSON the server rendered (#kpi-trend-spec) with the
// vendored ECharts. No inline script (CSP).
(function () {
  "use strict";
  var specEl = document.getElementById("kpi-trend-spec");
  var el = document.getElementById("kpi-trend");
  if (!specEl || !el || !window.echarts) { return; }
  var spec = JSON.parse(specEl.textContent);
  var fmt = function (v) { return v === null || v === undefined ? "—" : (spec.percent ? v + "%" : v); };
  el.style.height = "300px";
  var chart = window.echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: fmt },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: spec.x },
    yAxis: { type: "value", axisLabel: { formatter: spec.percent ? "{value}%" : "{value}" } },
    series: spec.series.map(function (s) {
      return { name: s.name, type: s.type, data: s.data, connectNulls: false, barMaxWidth: 36,
               lineStyle: s.dashed ? { type: "dashed" } : undefined, symbol: s.dashed ? "none" : "circle" };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
