// The statistics page (P4.2.c): draws each chart from the JSON the server rendered (#stat-specs) with the
// vendored ECharts; the province map registers the vendored China GeoJSON first. No inline script (CSP).
(function () {
  "use strict";
  var specsEl = document.getElementById("stat-specs");
  var root = document.getElementById("stat-charts");
  if (!specsEl || !root || !window.echarts) { return; }
  var specs = JSON.parse(specsEl.textContent);
  var lang = (document.documentElement.lang || "zh-CN").toLowerCase();
  var zh = lang.indexOf("zh") === 0;
  var moneyFmt = new Intl.NumberFormat(zh ? "zh-CN" : "en", { maximumFractionDigits: 0 });
  var money = function (v) { return "¥" + moneyFmt.format(v || 0); };
  var short = function (v) {
    if (zh) { return v >= 1e8 ? (v / 1e8).toFixed(1) + "亿" : v >= 1e4 ? (v / 1e4).toFixed(0) + "万" : String(v); }
    return v >= 1e6 ? (v / 1e6).toFixed(1) + "M" : v >= 1e3 ? (v / 1e3).toFixed(0) + "k" : String(v);
  };
  var pct = function (v) { return (v * 100).toFixed(1) + "%"; };
  var charts = [];

  function fmtSeries(s, v) { return s.money ? money(v) : s.percent ? pct(v) : (v === null ? "—" : v); }

  function axisTooltip(spec) {
    return { trigger: "axis", formatter: function (items) {
      var out = items.length ? items[0].axisValueLabel : "";
      items.forEach(function (it) {
        var s = spec.series[it.seriesIndex];
        out += "<br>" + it.marker + it.seriesName + ": " + fmtSeries(s, it.value);
      });
      return out;
    } };
  }

  function barLine(spec) {
    var hasRight = spec.series.some(function (s) { return s.axis === 1; });
    var rightPct = spec.series.some(function (s) { return s.axis === 1 && s.percent; });
    var leftMoney = spec.series.some(function (s) { return s.axis !== 1 && s.money; });
    var yAxis = [{ type: "value", axisLabel: { formatter: leftMoney ? short : null } }];
    if (hasRight) { yAxis.push({ type: "value", splitLine: { show: false }, axisLabel: { formatter: rightPct ? pct : null } }); }
    return {
      tooltip: axisTooltip(spec), legend: { top: 0 }, grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.x }, yAxis: yAxis,
      series: spec.series.map(function (s) {
        return { name: s.name, type: s.type, data: s.data, yAxisIndex: s.axis || 0, smooth: false,
                 connectNulls: true, barMaxWidth: 36 };
      })
    };
  }

  function hbar(spec) {
    var anyMoney = spec.series.some(function (s) { return s.money; });
    return {
      tooltip: axisTooltip(spec), legend: { show: spec.series.length > 1, top: 0 },
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 28 : 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: anyMoney ? short : null } },
      yAxis: { type: "category", data: spec.y, axisLabel: { width: 180, overflow: "truncate" } },
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, stack: spec.stack ? "all" : null, barMaxWidth: 22 };
      })
    };
  }

  function pie(spec) {
    return {
      tooltip: { trigger: "item", formatter: function (p) { return p.marker + p.name + ": " + money(p.value) + " (" + p.percent + "%)"; } },
      legend: { type: "scroll", orient: "vertical", right: 0, top: "middle" },
      series: [{ type: "pie", radius: ["35%", "68%"], center: ["38%", "50%"], data: spec.data,
                 label: { formatter: "{d}%" }, avoidLabelOverlap: true }]
    };
  }

  function map(spec) {
    return {
      tooltip: { trigger: "item", formatter: function (p) {
        var d = p.data;
        if (!d) { return p.name; }
        return (zh ? d.label : d.en) + "<br>" + money(d.value) + " · " + d.orders;
      } },
      visualMap: { min: 0, max: spec.max || 1, left: 8, bottom: 8, calculable: true, text: [money(spec.max), "¥0"],
                   inRange: { color: ["#e0ecf8", "#6ea6d8", "#1d4e89"] } },
      series: [{ type: "map", map: "china", roam: false, data: spec.data, label: { show: false },
                 emphasis: { label: { show: true } }, itemStyle: { areaColor: "#f4f6f8", borderColor: "#9aa5b1" } }]
    };
  }

  var builders = { bar_line: barLine, line: barLine, hbar: hbar, pie: pie, map: map };

  function draw(spec) {
    var el = root.querySelector('[data-chart="' + spec.key + '"]');
    if (!el) { return; }
    var rows = (spec.y || []).length;
    el.style.height = spec.kind === "map" ? "460px" : spec.kind === "hbar" ? Math.max(220, 60 + rows * 28) + "px" : "300px";
    var empty = spec.kind === "map" ? !spec.data.length :
      spec.kind === "pie" ? !spec.data.length :
      spec.kind === "hbar" ? !rows : false;
    if (empty) { el.style.height = "0"; return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(builders[spec.kind](spec));
    charts.push(chart);
  }

  var mapSpec = specs.filter(function (s) { return s.kind === "map"; });
  specs.filter(function (s) { return s.kind !== "map"; }).forEach(draw);
  if (mapSpec.length) {
    fetch(root.getAttribute("data-map-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (geo) { echarts.registerMap("china", geo); mapSpec.forEach(draw); })
      .catch(function () { /* the table below the map still has every figure */ });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
