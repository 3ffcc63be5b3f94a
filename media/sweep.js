// Score Mod Studio webview page: draws a sweep chart (uPlot, bundled locally in media/vendor)
// with its table, or the mask and score view (tiles and cells on canvases, hover values). Receives ready-made models from the extension
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
    $("status").textContent = (m.best ? `Best: ${m.best.tflops.toFixed(0)} TFLOPS at V=${m.best.vecSize}, ${m.best.align === "elem" ? "align = elem" : "align " + m.best.align + " B"}` : "No successful configuration.") + (m.note ? ` · ${m.note}` : "");
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

  // ---- mask and score view: tiles of the whole problem, and the cells of one window ----
  const el = (tag, props, ...kids) => {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    for (const k of kids) e.append(k);
    return e;
  };
  const rgb = (c) => { const d = el("div"); d.style.color = c; document.body.appendChild(d); const v = getComputedStyle(d).color.match(/\d+(\.\d+)?/g).map(Number); d.remove(); return v; };
  const mix = (a, b, t) => `rgb(${a[0] + (b[0] - a[0]) * t},${a[1] + (b[1] - a[1]) * t},${a[2] + (b[2] - a[2]) * t})`;

  function drawHeat(m) {
    clear();
    $("title").textContent = m.title;
    $("status").textContent = m.tiles.summary + (m.tiles.note ? ` — ${m.tiles.note}` : "");
    // Empty tiles and masked cells are the page's background moved towards its text colour, so
    // they stay visible (and distinct from each other) in light, dark and high-contrast themes.
    const bg = rgb(css("--vscode-editor-background", "#1e1e1e")), fg = rgb(css("--vscode-foreground", "#cccccc"));
    const colors = {
      empty: mix(bg, fg, 0.28), partial: css("--vscode-charts-yellow", "#cca700"),
      full: css("--vscode-charts-green", "#89d185"), frame: css("--vscode-focusBorder", "#007fd4"),
      masked: mix(bg, fg, 0.12), nan: css("--vscode-charts-red", "#f14c4c"),
      cold: css("--vscode-charts-blue", "#3794ff"), hot: css("--vscode-charts-orange", "#d18616"),
    };
    const hover = el("div", { id: "hover", role: "status" });
    hover.textContent = "Hover a cell for its values; click a tile to look inside it.";

    // (b, h) choice
    const num = (label, id, value, max) => el("label", {}, `${label} `, el("input", { id, type: "number", min: 0, max: max - 1, value: String(value), className: "bh" }));
    const controls = el("div", { className: "controls" }, num("b", "pick-b", m.b, m.shape.B), " ", num("h", "pick-h", m.h, m.shape.H));
    controls.addEventListener("change", () => {
      const b = Number($("pick-b").value), h = Number($("pick-h").value);
      if (Number.isInteger(b) && Number.isInteger(h) && b >= 0 && h >= 0 && b < m.shape.B && h < m.shape.H) vscode.postMessage({ type: "select", b, h });
    });

    // tiles
    const t = m.tiles;
    const tpx = Math.max(1, Math.floor(Math.min(384, (document.body.clientWidth - 64) / 2) / Math.max(t.nQ, t.nKv)));
    const tc = el("canvas", { id: "tiles" });
    tc.width = t.nKv * tpx; tc.height = t.nQ * tpx;
    tc.setAttribute("aria-label", `tile classes, ${t.nQ} q tiles by ${t.nKv} kv tiles`);
    const tx = tc.getContext("2d");
    const fills = [colors.empty, colors.partial, colors.full];
    for (let i = 0; i < t.nQ; i++) for (let j = 0; j < t.nKv; j++) { tx.fillStyle = fills[t.classes[i * t.nKv + j]]; tx.fillRect(j * tpx, i * tpx, tpx, tpx); }
    if (m.window) {
      const w = m.window;
      tx.strokeStyle = colors.frame; tx.lineWidth = 2;
      tx.strokeRect((w.kv0 / t.tileKv) * tpx, (w.q0 / t.tileQ) * tpx, Math.max(2, (w.cols / t.tileKv) * tpx), Math.max(2, (w.rows / t.tileQ) * tpx));
    }
    const names = ["empty", "partial", "full"];
    tc.addEventListener("mousemove", (e) => {
      const j = Math.floor(e.offsetX / tpx), i = Math.floor(e.offsetY / tpx);
      if (i < 0 || j < 0 || i >= t.nQ || j >= t.nKv) return;
      hover.textContent = `tile q ${i * t.tileQ}..${(i + 1) * t.tileQ - 1} × kv ${j * t.tileKv}..${(j + 1) * t.tileKv - 1}: ${names[t.classes[i * t.nKv + j]]}`;
    });
    tc.addEventListener("click", (e) => {
      const j = Math.floor(e.offsetX / tpx), i = Math.floor(e.offsetY / tpx);
      if (i >= 0 && j >= 0 && i < t.nQ && j < t.nKv) vscode.postMessage({ type: "zoom", q0: i * t.tileQ, kv0: j * t.tileKv });
    });
    const swatch = (name, color) => { const s = el("span", { className: "swatch" }); s.style.background = color; return el("span", { className: "key" }, s, name); };
    const tilePanel = el("figure", { className: "panel" },
      el("figcaption", {}, `tiles of ${t.tileQ} × ${t.tileKv}: kv → across, q ↓ down (0..${m.shape.KV - 1} × 0..${m.shape.Q - 1})`),
      tc, el("div", { className: "legend" }, swatch("empty: every score masked", colors.empty), swatch("partial", colors.partial), swatch("full: no score masked", colors.full)));

    // cells
    const cellPanel = el("figure", { className: "panel" });
    if (!m.window) cellPanel.append(el("figcaption", {}, `No values: ${m.windowError || "not evaluated"}`));
    else {
      const w = m.window;
      const cpx = Math.max(2, Math.floor(Math.min(384, (document.body.clientWidth - 64) / 2) / Math.max(w.rows, w.cols)));
      const cc = el("canvas", { id: "cells" });
      cc.width = w.cols * cpx; cc.height = w.rows * cpx;
      cc.setAttribute("aria-label", w.legend);
      const cx = cc.getContext("2d");
      const [c0, c1] = [rgb(colors.cold), rgb(colors.hot)];
      for (let i = 0; i < w.rows; i++) {
        for (let j = 0; j < w.cols; j++) {
          const v = w.cells[i * w.cols + j];
          cx.fillStyle = v === -1 ? colors.masked : v === -2 ? colors.nan : mix(c0, c1, v);
          cx.fillRect(j * cpx, i * cpx, cpx, cpx);
        }
      }
      const at = (e) => { const j = Math.floor(e.offsetX / cpx), i = Math.floor(e.offsetY / cpx); return i >= 0 && j >= 0 && i < w.rows && j < w.cols ? i * w.cols + j : -1; };
      cc.addEventListener("mousemove", (e) => { const k = at(e); if (k >= 0) hover.textContent = w.hover[k]; });
      const bar = el("canvas", { className: "scale" });
      bar.width = 160; bar.height = 10;
      const bx = bar.getContext("2d");
      for (let x = 0; x < 160; x++) { bx.fillStyle = mix(c0, c1, x / 159); bx.fillRect(x, 0, 1, 10); }
      cellPanel.append(
        el("figcaption", {}, `${w.legend}: kv → across, q ↓ down`), cc,
        el("div", { className: "legend" }, `${w.min.toPrecision(4)} `, bar, ` ${w.max.toPrecision(4)}`, " ", swatch("masked", colors.masked), swatch("NaN", colors.nan)));
    }
    $("heat").append(controls, el("div", { className: "panels" }, tilePanel, cellPanel), hover);
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
