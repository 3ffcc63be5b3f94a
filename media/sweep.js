// Score Mod Studio webview page: draws a sweep chart (uPlot, bundled locally in media/vendor)
// with its table, or a heat map on a canvas. Receives ready-made models from the extension
// (client/src/webview/model.ts) by postMessage; colours come from the theme's CSS variables.
(function () {
  "use strict";
  const vscode = acquireVsCodeApi();
  const $ = (id) => document.getElementById(id);
  const css = (name, fallback) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
  const palette = () => [
    css("--vscode-charts-blue", "#3794ff"), css("--vscode-charts-orange", "#d18616"),
    css("--vscode-charts-green", "#89d185"), css("--vscode-charts-purple", "#b180d7"),
    css("--vscode-charts-red", "#f14c4c"), css("--vscode-charts-yellow", "#cca700"),
  ];
  let plot = null;

  function clear() {
    if (plot) { plot.destroy(); plot = null; }
    $("chart").textContent = ""; $("heat").textContent = ""; $("table").textContent = "";
  }

  function table(columns, rows) {
    const t = $("table");
    const head = t.createTHead().insertRow();
    for (const c of columns) { const th = document.createElement("th"); th.textContent = c; head.appendChild(th); }
    const body = t.createTBody();
    for (const r of rows) {
      const tr = body.insertRow();
      r.forEach((v, i) => { const td = tr.insertCell(); td.textContent = v; if (i > 0 && v.startsWith("✗")) td.className = "bad"; });
    }
  }

  function drawSweep(m) {
    clear();
    $("title").textContent = m.title;
    $("status").textContent = m.best ? `Best: ${m.best.tflops.toFixed(0)} TFLOPS at V=${m.best.vecSize}, ${m.best.align === "elem" ? "align = elem" : "align " + m.best.align + " B"}` : "No successful configuration.";
    const colors = palette();
    const fg = css("--vscode-foreground", "#ccc");
    const grid = css("--vscode-editorWidget-border", "#444");
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const opts = {
      width: Math.max(360, Math.min(900, document.body.clientWidth - 32)),
      height: 320,
      scales: { x: { time: false, distr: 3, log: 2 }, y: { auto: true } },
      axes: [Object.assign({ label: "V (vecSize)" }, axis), Object.assign({ label: "TFLOPS" }, axis)],
      series: [{ label: "V" }].concat(m.series.map((s, i) => ({
        label: s.label, stroke: colors[i % colors.length], width: 2, points: { show: true, size: 6 }, spanGaps: false,
      }))),
      legend: { live: true },
    };
    plot = new uPlot(opts, [m.xs].concat(m.series.map((s) => s.values)), $("chart"));
    table(m.table.columns, m.table.rows);
  }

  function drawHeat(m) {
    clear();
    $("title").textContent = m.title;
    $("status").textContent = m.legend;
    const scale = Math.max(2, Math.floor(Math.min(640, document.body.clientWidth - 32) / Math.max(1, m.cols)));
    const canvas = document.createElement("canvas");
    canvas.width = m.cols * scale; canvas.height = m.rows * scale;
    canvas.setAttribute("aria-label", m.title);
    const ctx = canvas.getContext("2d");
    const hot = css("--vscode-charts-orange", "#d18616");
    const cold = css("--vscode-charts-blue", "#3794ff");
    const masked = css("--vscode-editor-background", "#1e1e1e");
    const nan = css("--vscode-charts-red", "#f14c4c");
    const parse = (c) => { const d = document.createElement("div"); d.style.color = c; document.body.appendChild(d); const v = getComputedStyle(d).color.match(/\d+(\.\d+)?/g).map(Number); d.remove(); return v; };
    const [h, c] = [parse(hot), parse(cold)];
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++) {
        const v = m.cells[i * m.cols + j];
        if (v === -1) ctx.fillStyle = masked;
        else if (v === -2) ctx.fillStyle = nan;
        else ctx.fillStyle = `rgb(${c[0] + (h[0] - c[0]) * v},${c[1] + (h[1] - c[1]) * v},${c[2] + (h[2] - c[2]) * v})`;
        ctx.fillRect(j * scale, i * scale, scale, scale);
      }
    }
    canvas.addEventListener("mousemove", (e) => {
      const j = Math.floor(e.offsetX / scale), i = Math.floor(e.offsetY / scale);
      if (i < 0 || j < 0 || i >= m.rows || j >= m.cols) return;
      const v = m.cells[i * m.cols + j];
      const val = v === -1 ? "masked" : v === -2 ? "NaN" : (m.min + v * (m.max - m.min)).toPrecision(4);
      $("status").textContent = `${m.legend} · q=${m.q0 + i}, kv=${m.kv0 + j}: ${val}`;
    });
    $("heat").appendChild(canvas);
  }

  window.addEventListener("message", (ev) => {
    const msg = ev.data;
    try {
      if (msg && msg.type === "sweep") drawSweep(msg.model);
      else if (msg && msg.type === "heat") drawHeat(msg.model);
      else if (msg && msg.type === "error") { clear(); $("status").textContent = msg.message; }
    } catch (e) {
      $("status").textContent = "Could not draw: " + (e && e.message ? e.message : String(e));
    }
  });
  vscode.postMessage({ type: "ready" });
})();
