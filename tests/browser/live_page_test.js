// The live page of `minima compare --serve` in headless Chromium (Debian's
// chromium), driven over the DevTools protocol by puppeteer-core: the page
// loads without console errors or uncaught exceptions, its accuracy chart
// gains points while a run evaluates, every run gets a progress line, and
// when the runs are done it shows report.html; then "What if?": a refused
// setting (a negative learning rate) shows the config code's error, a
// valid one starts a variant whose curves join the chart and whose settings
// join the page's URL, and that URL opened anew pre-fills the form and
// starts nothing. Timeouts only guard against hangs. Run by live_page_test.sh (which installs puppeteer-core):
//   node live_page_test.js MINIMA WRITE_BLOBS WORK_DIR
"use strict";
const {spawn, execFileSync} = require("child_process");
const path = require("path");
const fs = require("fs");
const puppeteer = require("puppeteer-core");

const [minima, writeBlobs, work] = process.argv.slice(2);

function fail(message) {
  console.error("live page test: " + message);
  process.exit(1);
}

// Starts `minima compare ... --serve --port 0`; resolves with the page's address.
function startCompare() {
  fs.mkdirSync(work, {recursive: true});
  execFileSync(writeBlobs, [work]);
  fs.writeFileSync(path.join(work, "cmp.json"), JSON.stringify({
    base: "base.json", seeds: 2,
    variants: {"without BN": {"model.batchnorm": false}, "with BN": {}}}));
  const child = spawn(minima, ["compare", path.join(work, "cmp.json"), "--out", path.join(work, "out"),
                               "--set", "train.steps=300000", "--set", "train.eval_every=10000",
                               "--serve", "--port", "0"], {stdio: ["ignore", "pipe", "inherit"]});
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout.on("data", data => {
      text += data;
      const m = text.match(/live page: (http:\/\/[^ ]+\/)/);
      if (m) resolve({child, url: m[1]});
    });
    child.on("exit", code => reject(new Error("minima compare ended early: " + code + "\n" + text)));
  });
}

// Waits until the accuracy chart holds more than `n` points; returns how many.
async function pointsAbove(page, n) {
  await page.waitForFunction(n => +document.getElementById("accuracy").dataset.points > n,
                             {timeout: 120000}, n);
  return page.$eval("#accuracy", svg => +svg.dataset.points);
}

async function main() {
  const {child, url} = await startCompare();
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const problems = [];
  try {
    const page = await browser.newPage();
    // The one refusal the test asks for logs its 400 as a failed resource.
    let refusing = false;
    page.on("console", m => {
      if (m.type() === "error" && !(refusing && m.text().includes("status of 400")))
        problems.push("console: " + m.text());
    });
    page.on("pageerror", e => problems.push("exception: " + e.message));
    await page.goto(url, {waitUntil: "load", timeout: 60000});
    // Each run's start event draws its step-0 point; then evaluations add more.
    const first = await pointsAbove(page, 4);
    const later = await pointsAbove(page, first);
    console.log(`accuracy chart: ${first} points, then ${later}`);
    await page.waitForFunction(() => document.getElementById("report").dataset.final === "true",
                               {timeout: 300000});
    const lines = await page.$$eval("#progress div", ds => ds.map(d => d.textContent));
    if (lines.length !== 4 || !lines.every(l => l.includes("finished")))
      fail("expected 4 finished progress lines, got " + JSON.stringify(lines));
    const frame = await (await page.$("#report iframe")).contentFrame();
    await frame.waitForSelector("svg", {timeout: 60000});
    if (!(await frame.content()).includes("with BN")) fail("the report in the page names no variant");

    // What if? A refused setting shows its error.
    refusing = true;
    await page.type('input[name="optimizer.lr"]', "-1");
    await page.click('#whatif button[type="submit"]');
    await page.waitForFunction(() => document.getElementById("whatif-error").textContent !== "",
                               {timeout: 60000});
    const error = await page.$eval("#whatif-error", p => p.textContent);
    if (!error.includes("/optimizer/lr")) fail("the refusal does not name the setting: " + error);
    refusing = false;
    // A valid one runs; its curves join the chart.
    const before = await page.$eval("#accuracy", svg => +svg.dataset.points);
    await page.$eval('input[name="optimizer.lr"]', input => { input.value = "0.25"; });
    await page.select('select[name="model.batchnorm"]', "false");
    await page.click('#whatif button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#whatifs li[data-state="done"]'),
                               {timeout: 300000});
    const after = await pointsAbove(page, before);
    const legend = await page.$eval("#accuracy", svg => svg.textContent);
    if (!legend.includes("what if #1")) fail("the chart's legend has no what-if: " + legend);
    console.log(`what if: the accuracy chart went from ${before} to ${after} points`);
    const link = page.url();
    if (!link.includes("?v=")) fail("the page's URL does not keep the what-if: " + link);
    // The shared link pre-fills the form and starts nothing.
    const shared = await browser.newPage();
    await shared.goto(link, {waitUntil: "load", timeout: 60000});
    await shared.waitForFunction(() => document.querySelector('#whatifs li[data-state="done"]'),
                                 {timeout: 60000});
    const lr = await shared.$eval('input[name="optimizer.lr"]', input => input.value);
    const bn = await shared.$eval('select[name="model.batchnorm"]', input => input.value);
    const asked = await shared.$$eval("#whatifs li", items => items.length);
    if (lr !== "0.25" || bn !== "false" || asked !== 1)
      fail(`the shared link: lr ${lr}, BN ${bn}, ${asked} what-ifs (expected 0.25, false, 1)`);
  } finally {
    await browser.close();
    child.kill("SIGINT");
  }
  if (problems.length) fail(problems.join("\n"));
  console.log("live page test: passed");
}

main().catch(e => fail(e.stack || String(e)));
