// Benchmark worker for the official JavaScript client, @gradio/client, on Node.
//
//   node js_client.mjs NODE_DIR URL SCENARIO [--count N]
//
// NODE_DIR is the folder where the benchmark installed @gradio/client with npm.
// Like the Python workers, it runs one scenario and prints one JSON object on
// its last line. CPU time and memory are this process's own.

import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import path from "node:path";
import fs from "node:fs";

// The peak RSS so far (VmHWM). Not resourceUsage().maxRSS: Linux carries that
// over from the parent process across fork and exec.
const peakRssMb = () => {
  const line = fs.readFileSync("/proc/self/status", "ascii").split("\n").find((l) => l.startsWith("VmHWM:"));
  return Number(line.split(/\s+/)[1]) / 1024;
};

const [nodeDir, url, scenario, ...rest] = process.argv.slice(2);
const countFlag = rest.indexOf("--count");
const count = countFlag >= 0 ? Number(rest[countFlag + 1]) : 50;
const packageDir = path.join(nodeDir, "node_modules", "@gradio", "client");
const rssBareMb = peakRssMb();
const importStart = performance.now();
const { Client } = await import(pathToFileURL(path.join(packageDir, "dist", "index.js")).href);
const importMs = performance.now() - importStart;
const version = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"))).version;

const WARM_UP_CALLS = 5;
const ERROR_SAMPLE_LIMIT = 5;
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

const echoInput = (index) => `msg-${index}`;
const expectedText = (n) => Array.from({ length: n }, (_, i) => LETTERS[i % 26]).join("");
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
const mb = (bytes) => bytes / (1024 * 1024);

class Outcome {
  constructor() {
    this.correct = 0;
    this.wrong = 0;
    this.errors = 0;
    this.samples = [];
  }
  check(ok, detail) {
    if (ok) {
      this.correct += 1;
      return;
    }
    this.wrong += 1;
    this.keep(`wrong answer: ${detail()}`);
  }
  error(error) {
    this.errors += 1;
    this.keep(String(error?.message ?? error).slice(0, 300));
  }
  keep(text) {
    if (this.samples.length < ERROR_SAMPLE_LIMIT) this.samples.push(text);
  }
  asObject() {
    return {
      correct: this.correct,
      wrong: this.wrong,
      errors: this.errors,
      error_samples: this.samples,
    };
  }
}

async function measured(report, body) {
  report.rss_before_mb = mb(process.memoryUsage.rss());
  const cpuStart = cpuSeconds();
  const start = performance.now();
  try {
    return await body();
  } finally {
    report.wall_s = (performance.now() - start) / 1000;
    report.cpu_s = cpuSeconds() - cpuStart;
    report.rss_peak_mb = peakRssMb();
  }
}

function perCall(durations) {
  const ordered = [...durations].sort((a, b) => a - b);
  if (ordered.length === 0) return { median_ms: null, p90_ms: null };
  const middle = Math.floor(ordered.length / 2);
  const median =
    ordered.length % 2 ? ordered[middle] : (ordered[middle - 1] + ordered[middle]) / 2;
  return { median_ms: median, p90_ms: ordered[Math.floor(0.9 * (ordered.length - 1))] };
}

const openClient = () => Client.connect(url, { events: ["data", "status"] });

async function echoOnce(client, index, outcome) {
  const text = echoInput(index);
  try {
    const result = await client.predict("/echo", [text]);
    outcome.check(result.data[0] === text, () => JSON.stringify(result.data).slice(0, 200));
  } catch (error) {
    outcome.error(error);
  }
}

const scenarios = {
  async import() {
    return { import_ms: importMs, rss_peak_mb: peakRssMb(), rss_bare_mb: rssBareMb };
  },

  async connect() {
    const outcome = new Outcome();
    const durations = [];
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      let client;
      try {
        client = await openClient();
      } catch (error) {
        outcome.error(error);
        continue;
      }
      durations.push(performance.now() - start);
      outcome.check(true);
      client.close();
    }
    return { first_ms: durations[0] ?? null, ...perCall(durations.slice(1)), ...outcome.asObject() };
  },

  async sequential() {
    const report = {};
    const outcome = new Outcome();
    const client = await openClient();
    for (let i = 0; i < WARM_UP_CALLS; i++) await echoOnce(client, i, new Outcome());
    const durations = [];
    await measured(report, async () => {
      for (let i = 0; i < count; i++) {
        const start = performance.now();
        await echoOnce(client, i, outcome);
        durations.push(performance.now() - start);
      }
    });
    client.close();
    return { ...report, ...perCall(durations), ...outcome.asObject() };
  },

  async concurrent() {
    const report = {};
    const outcome = new Outcome();
    const client = await openClient();
    await echoOnce(client, -1, new Outcome());
    await measured(report, () =>
      Promise.all(Array.from({ length: count }, (_, i) => echoOnce(client, i, outcome))),
    );
    client.close();
    return { ...report, ...outcome.asObject() };
  },

  async generator() {
    // The caller iterates every message, as a streaming consumer does.
    const report = {};
    const outcome = new Outcome();
    const expected = expectedText(count);
    const client = await openClient();
    await client.predict("/gen", [10]);
    let updates = 0;
    await measured(report, async () => {
      try {
        for await (const message of client.submit("/gen", [count])) {
          if (message.type === "data") {
            updates += 1;
            var last = message.data[0];
          }
        }
        outcome.check(last === expected, () => `final text of ${String(last).length} letters`);
      } catch (error) {
        outcome.error(error);
      }
    });
    client.close();
    return { ...report, updates, ...outcome.asObject() };
  },
};

const report = await scenarios[scenario]();
process.stdout.write(
  JSON.stringify({ client: "@gradio/client", version: `${version} (node ${process.versions.node})`, ...report }) + "\n",
);
process.exit(0);
