#include "cli/serve/live_page.hpp"

#include <minima/report/svg_chart.hpp>

namespace minima::cli {
namespace {

const char* const kLivePageHead = R"page(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>minima compare (live)</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1400px;padding:0 1em;color:#222}
.charts{display:flex;flex-wrap:wrap;gap:1em}
svg{background:#fff;border:1px solid #ddd}
#progress div{font-family:ui-monospace,monospace;font-size:.9em;white-space:pre}
.note{background:#fff4d6;padding:.4em .6em}
iframe{width:100%;height:90vh;border:1px solid #ddd}
#whatif label{margin-right:1em}
#whatif input{width:6em}
.error{color:#b00020}
</style>
)page";

// The charts: x = training step, y = test accuracy (%) or training loss;
// one polyline per run; redrawn at most once per frame.
const char* const kLivePageBody = R"page(</head><body>
<h1 id="title">minima compare (live)</h1>
<p id="status">Waiting for the first evaluation&hellip;</p>
<div id="progress"></div>
<div class="charts">
<svg id="accuracy" width="660" height="340" data-points="0"></svg>
<svg id="loss" width="660" height="340" data-points="0"></svg>
</div>
<form id="whatif" novalidate>
<h2>What if?</h2>
<p>Another variant of this comparison's base with these settings changed
(empty: as the base), run after the others with the same seeds unless
given; the link of this page then asks for it again.</p>
<label>learning rate <input name="optimizer.lr" type="number" step="any"></label>
<label>BatchNorm <select name="model.batchnorm"><option value="">as the base</option>
<option value="true">on</option><option value="false">off</option></select></label>
<label>batch size <input name="train.batch_size" type="number" step="1"></label>
<label>initial weights' std <input name="model.std" type="number" step="any"></label>
<label>activation <select name="model.activation"><option value="">as the base</option>
<option>sigmoid</option><option>relu</option><option>tanh</option></select></label>
<label>seeds <input name="seeds" placeholder="0, 1, 2"></label>
<button type="submit">Run it</button>
<p id="whatif-error" class="error"></p>
<p id="whatif-link"></p>
</form>
<ul id="whatifs"></ul>
<p id="report-status"></p>
<div id="report"></div>
<script>
"use strict";
const colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
const svgNS = "http://www.w3.org/2000/svg";
const runs = new Map();
let setup = {variants: [], runs: 0}, pending = false;

function runOf(e) {
  const key = e.variant + "/" + e.seed;
  if (!runs.has(key))
    runs.set(key, {variant: e.variant, seed: e.seed, total: 0, step: 0, acc: [], loss: [], state: "waiting"});
  return runs.get(key);
}

function handle(e) {
  if (e.type === "setup") {
    setup = e;
    document.getElementById("title").textContent = e.title + " (live)";
  } else if (e.type === "start") {
    setup.variants[e.variant] = e.name;
    const r = runOf(e);
    r.total = e.total; r.state = "training"; r.acc.push([0, 100 * e.accuracy]);
  } else if (e.type === "eval") {
    const r = runOf(e);
    r.step = e.step; r.acc.push([e.step, 100 * e.accuracy]); r.loss.push([e.step, e.loss]);
  } else if (e.type === "end") {
    const r = runOf(e);
    r.step = e.steps; r.state = e.finished ? "finished" : "stopped";
  } else if (e.type === "report") {
    showReport(e.report, `report.html so far, with ${e.runs} of ${setup.runs} runs:`);
  } else if (e.type === "done") {
    showReport(e.report, "All runs done: below is report.html, as written.", true);
  } else if (e.type === "whatif") {
    showWhatIf(e);
  }
}

function el(name, attrs, text) {
  const node = document.createElementNS(svgNS, name);
  for (const k in attrs) node.setAttribute(k, attrs[k]);
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceTicks(lo, hi, n) {
  const raw = (hi - lo) / n, p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(m => m * p).find(s => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) ticks.push(v);
  return ticks;
}

function draw(id, title, pick) {
  const svg = document.getElementById(id), W = 660, H = 340, L = 60, R = 150, T = 30, B = 40;
  let xmax = 1, ymin = Infinity, ymax = -Infinity, points = 0;
  for (const r of runs.values()) {
    xmax = Math.max(xmax, r.total);
    for (const [x, y] of pick(r)) { xmax = Math.max(xmax, x); ymin = Math.min(ymin, y); ymax = Math.max(ymax, y); }
  }
  if (!(ymax > ymin)) { ymin = isFinite(ymin) ? ymin - 1 : 0; ymax = ymin + 2; }
  const sx = x => L + (W - L - R) * x / xmax, sy = y => H - B - (H - T - B) * (y - ymin) / (ymax - ymin);
  svg.replaceChildren(el("text", {x: L, y: 18, "font-size": 14, "font-weight": "bold"}, title));
  for (const v of niceTicks(ymin, ymax, 5)) {
    svg.append(el("line", {x1: L, x2: W - R, y1: sy(v), y2: sy(v), stroke: "#eee"}));
    svg.append(el("text", {x: L - 6, y: sy(v) + 4, "font-size": 11, "text-anchor": "end"}, +v.toPrecision(4)));
  }
  for (const v of niceTicks(0, xmax, 5))
    svg.append(el("text", {x: sx(v), y: H - B + 16, "font-size": 11, "text-anchor": "middle"}, v));
  svg.append(el("text", {x: (L + W - R) / 2, y: H - 6, "font-size": 12, "text-anchor": "middle"}, "training step"));
  for (const r of runs.values()) {
    const pts = pick(r);
    points += pts.length;
    if (!pts.length) continue;
    const color = colors[r.variant % colors.length];
    svg.append(el("polyline", {fill: "none", stroke: color, "stroke-width": 1.6, "stroke-opacity": 0.8,
                               points: pts.map(([x, y]) => sx(x).toFixed(1) + "," + sy(y).toFixed(1)).join(" ")}));
  }
  setup.variants.forEach((name, i) => {
    svg.append(el("rect", {x: W - R + 10, y: T + 18 * i, width: 12, height: 3, fill: colors[i % colors.length]}));
    svg.append(el("text", {x: W - R + 28, y: T + 18 * i + 5, "font-size": 11}, name));
  });
  svg.dataset.points = points;
}

function render() {
  pending = false;
  draw("accuracy", "Test accuracy (%), a line per seed", r => r.acc);
  draw("loss", "Training loss", r => r.loss);
  const progress = document.getElementById("progress");
  progress.replaceChildren();
  let done = 0;
  for (const r of runs.values()) {
    const name = setup.variants[r.variant] || "variant " + r.variant;
    const last = r.acc.length ? r.acc[r.acc.length - 1][1].toFixed(2) + "%" : "-";
    const line = document.createElement("div");
    line.textContent = `${name}, seed ${r.seed}: step ${r.step}/${r.total}  test accuracy ${last}  ${r.state}`;
    progress.append(line);
    if (r.state !== "training" && r.state !== "waiting") ++done;
  }
  if (document.getElementById("report").dataset.final !== "true")
    document.getElementById("status").textContent = `${done} of ${setup.runs} runs done`;
}

// The report below the live charts: after each run (so far) and at the end
// (final); the status line says which.
function showReport(url, status, final = false) {
  const frame = document.createElement("iframe");
  frame.src = url + "?" + Date.now();
  frame.title = "report.html";
  const report = document.getElementById("report");
  report.replaceChildren(frame);
  report.dataset.final = final;
  document.getElementById("report-status").textContent = status;
  if (final) document.getElementById("status").textContent = status;
}

// "What if?": the form's settings as JSON (only those filled in), POSTed
// with this server's token; the page's URL keeps every what-if asked for
// (?v=<settings>&v=...), so that a shared link pre-fills the form.
const token = document.querySelector('meta[name="minima-token"]').content;
const form = document.getElementById("whatif");

function formSettings() {
  const settings = {};
  for (const input of form.elements) {
    if (!input.name || input.value.trim() === "") continue;
    if (input.name === "seeds") settings.seeds = input.value.split(",").map(Number);
    else if (input.name === "model.batchnorm") settings[input.name] = input.value === "true";
    else if (input.name === "model.activation") settings[input.name] = input.value;
    else settings[input.name] = Number(input.value);
  }
  return settings;
}

function fillForm(settings) {
  for (const input of form.elements) {
    if (!input.name || !(input.name in settings)) continue;
    const v = settings[input.name];
    input.value = Array.isArray(v) ? v.join(", ") : String(v);
  }
}

async function post(path, body) {
  const reply = await fetch(path, {method: "POST", body: JSON.stringify(body),
                                   headers: {"Content-Type": "application/json", "X-Minima-Token": token}});
  return {ok: reply.ok, body: await reply.json()};
}

async function askWhatIf(settings) {
  const reply = await post("/whatif", settings);
  document.getElementById("whatif-error").textContent = reply.ok ? "" : reply.body.error;
  if (!reply.ok) return;
  const url = new URL(location.href);
  url.searchParams.append("v", JSON.stringify(settings));
  history.replaceState(null, "", url);
}

function showWhatIf(e) {
  let item = document.getElementById("whatif-" + e.id);
  if (!item) {
    item = document.createElement("li");
    item.id = "whatif-" + e.id;
    document.getElementById("whatifs").append(item);
  }
  item.replaceChildren(`${e.name || item.dataset.name}: ${e.state}` + (e.error ? ` (${e.error})` : ""));
  if (e.name) item.dataset.name = e.name;
  item.dataset.state = e.state;
  if (e.state === "queued" || e.state === "running") {
    const cancel = document.createElement("button");
    cancel.textContent = "cancel";
    cancel.onclick = () => post("/cancel", {id: e.id});
    item.append(" ", cancel);
  }
}

form.onsubmit = event => {
  event.preventDefault();
  askWhatIf(formSettings());
};

// A link with what-ifs pre-fills the form with the first and offers to ask
// for them all; opening it starts nothing.
const linked = new URL(location.href).searchParams.getAll("v").flatMap(v => {
  try { return [JSON.parse(v)]; } catch (error) { return []; }
});
if (linked.length) {
  fillForm(linked[0]);
  const again = document.createElement("button");
  again.type = "button";
  again.textContent = `Run the link's ${linked.length} what-if(s)`;
  again.onclick = async () => {
    again.disabled = true;
    history.replaceState(null, "", location.pathname);
    for (const settings of linked) await askWhatIf(settings);
  };
  document.getElementById("whatif-link").append(again);
}

const source = new EventSource("/events");
source.onmessage = m => {
  handle(JSON.parse(m.data));
  if (!pending) { pending = true; requestAnimationFrame(render); }
};
</script>
</body></html>
)page";

}  // namespace

std::string live_page_html(const Listening& listening, bool host_given) {
  std::string page = kLivePageHead;
  page += "<meta name=\"minima-token\" content=\"" + listening.token + "\">\n";
  page += kLivePageBody;
  if (host_given) {
    const std::string note =
        "<p class=\"note\">This server listens on " + minima::escape_xml(listening.host) +
        " (--host): anyone who can reach that address can watch and ask what-ifs.</p>\n";
    page.insert(page.find("<p id=\"status\">"), note);
  }
  return page;
}

}  // namespace minima::cli
