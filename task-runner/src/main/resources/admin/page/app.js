// The admin page: polls the JSON API every 2 s and draws it. No build chain: plain browser JS and uPlot.
"use strict";

// #job=J&partition=P (the link an Airflow run task shows) opens the page on that partition.
const linked = new URLSearchParams(location.hash.slice(1));
const state = { job: linked.get("job"), partition: linked.get("partition"), scrolled: false, charts: new Map(), health: null };
const $ = (sel) => document.querySelector(sel);

function token() {
  return $("#token").value.trim();
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (token()) headers.Authorization = "Bearer " + token();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || res.status + " " + res.statusText);
  return data;
}

function say(text, ok) {
  const m = $("#message");
  m.textContent = text;
  m.className = ok ? "ok" : "error";
}

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (cls) td.className = cls;
  return td;
}

function button(label, action, attrs, run) {
  const b = document.createElement("button");
  b.textContent = label;
  b.dataset.action = action;
  Object.entries(attrs).forEach(([k, v]) => (b.dataset[k] = v));
  b.disabled = state.health && state.health.read_only;
  b.title = b.disabled ? "this server is read-only (no SLUICE_ADMIN_TOKEN)" : "needs the admin token";
  b.addEventListener("click", async (e) => {
    e.stopPropagation();
    try {
      await run();
      say(label + ": done", true);
      refresh();
    } catch (err) {
      say(label + ": " + err.message, false);
    }
  });
  return b;
}

function fill(tbody, rows, render) {
  tbody.replaceChildren(...rows.map(render));
}

async function refreshJobs() {
  const jobs = await api("GET", "/api/jobs");
  if (!state.job && jobs.length) state.job = jobs[0].job;
  fill($("#jobs tbody"), jobs, (j) => {
    const tr = document.createElement("tr");
    tr.className = "clickable" + (j.job === state.job ? " selected" : "");
    tr.dataset.job = j.job;
    const p = j.partitions;
    [j.job, p.running, p.pending, p.done, p.failed, j.pages, j.records, j.dead_letters, j.api_calls]
      .forEach((v, i) => tr.append(cell(v, i ? "num" : "")));
    tr.addEventListener("click", () => { state.job = j.job; state.partition = null; refresh(); });
    return tr;
  });
}

async function refreshPartitions() {
  $("#job-name").textContent = state.job || "—";
  if (!state.job) return;
  const filter = $("#state-filter").value;
  const job = encodeURIComponent(state.job);
  const parts = await api("GET", `/api/jobs/${job}/partitions` + (filter ? `?state=${filter}` : ""));
  fill($("#partitions tbody"), parts, (p) => {
    const tr = document.createElement("tr");
    tr.dataset.partition = p.partition;
    if (p.partition === state.partition) tr.className = "selected";
    tr.append(cell(p.partition), cell(p.state, "state-" + p.state), cell(p.epoch, "num"), cell(p.pages, "num"),
      cell(p.records, "num"), cell(p.dead_letters, "num"), cell(JSON.stringify(p.watermark), "cut"),
      cell(p.lease_owner ? p.lease_owner + " until " + p.lease_expires_at : p.last_error, "cut"));
    const actions = document.createElement("td");
    const path = `/api/jobs/${job}/partitions/${encodeURIComponent(p.partition)}`;
    actions.append(
      button("Reset", "reset", { partition: p.partition }, () => {
        if (!confirm(`Reset ${p.partition}? Its watermark is forgotten; its next run starts at the first page.`)) {
          throw new Error("cancelled");
        }
        return api("POST", path + "/reset");
      }),
      button("Release lease", "release", { partition: p.partition }, () => api("POST", path + "/release")));
    tr.append(actions);
    return tr;
  });
  const chosen = $("#partitions tr.selected");
  if (chosen && !state.scrolled) {
    state.scrolled = true;
    chosen.scrollIntoView({ block: "center" });
  }
}

function chartFor(limit, box) {
  let chart = state.charts.get(limit.name);
  if (!chart || !box.contains(chart.root)) {
    chart = new uPlot({
      width: Math.max(400, box.clientWidth - 16), height: 180,
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.15)] } },
      series: [{}, { label: "calls/s", stroke: "#2563eb", width: 2 },
        { label: "limit/s", stroke: "#dc2626", dash: [6, 4] },
        { label: "429s", stroke: "#f59e0b", width: 2 },
        { label: "permit wait s", stroke: "#7c3aed", width: 1 }],
      axes: [{}, { label: "per second" }],
    }, [[], [], [], [], []], box.querySelector(".chart"));
    state.charts.set(limit.name, chart);
  }
  return chart;
}

async function refreshLimits() {
  const limits = await api("GET", "/api/limits");
  const holder = $("#limits");
  for (const l of limits) {
    let box = holder.querySelector(`[data-limit="${CSS.escape(l.name)}"]`);
    if (!box) {
      box = document.createElement("div");
      box.className = "limit";
      box.dataset.limit = l.name;
      box.innerHTML = `<h3></h3><div class="facts"></div><div class="actions"></div><div class="chart"></div>`;
      box.querySelector("h3").textContent = l.name;
      holder.append(box);
    }
    const paused = l.paused_until && new Date(l.paused_until) > new Date();
    const facts = box.querySelector(".facts");
    facts.replaceChildren(
      Object.assign(document.createElement("span"), { textContent: "rates " + (l.rates || []).join(", ") }),
      Object.assign(document.createElement("span"), { textContent: "quotas " + ((l.quotas || []).join(", ") || "none") }),
      Object.assign(document.createElement("span"), { textContent: "version " + l.version }),
      Object.assign(document.createElement("span"), { textContent: "tokens " + (l.tokens || []).map((t) => t.toFixed(1)).join(" / ") }),
      Object.assign(document.createElement("span"), {
        className: paused ? "paused" : "", textContent: paused
          ? "paused until " + new Date(l.paused_until).toLocaleTimeString() + " (" + (l.pause_reason || "") + ")"
          : "not paused",
      }));
    const name = encodeURIComponent(l.name);
    box.querySelector(".actions").replaceChildren(
      button("Pause 60 s", "pause", { limit: l.name }, () => api("POST", `/api/limits/${name}/pause`, { seconds: 60, reason: "from the page" })),
      button("Resume", "resume", { limit: l.name }, () => api("POST", `/api/limits/${name}/resume`)),
      button("Set rates…", "rates", { limit: l.name }, () => {
        const text = prompt(`New paced rates for ${l.name}, comma-separated (e.g. 50/1s, 1000/1m)`, (l.rates || []).join(", "));
        if (!text) throw new Error("cancelled");
        return api("PUT", `/api/limits/${name}/rates`, { rates: text.split(",").map((s) => s.trim()).filter(Boolean) });
      }));
    const series = await api("GET", `/api/limits/${name}/series?minutes=5`);
    const pts = series.points;
    chartFor(l, box).setData([
      pts.map((p) => new Date(p.at).getTime() / 1000),
      pts.map((p) => p.calls),
      pts.map((p) => p.limit_per_second),
      pts.map((p) => p.http_429),
      pts.map((p) => p.permit_wait_ms / 1000)]);
    box.dataset.points = String(pts.length);
    box.dataset.maxRate = String(Math.max(0, ...pts.map((p) => p.calls)));
  }
}

async function refreshBreakers() {
  const breakers = await api("GET", "/api/breakers");
  fill($("#breakers tbody"), breakers, (b) => {
    const tr = document.createElement("tr");
    tr.dataset.breaker = b.name;
    tr.append(cell(b.name), cell(b.state, "state-" + b.state), cell(b.failures, "num"), cell(b.open_until),
      cell(b.last_error, "cut"));
    const td = document.createElement("td");
    const name = encodeURIComponent(b.name);
    td.append(
      button("Open 60 s", "open", { breaker: b.name }, () => api("POST", `/api/breakers/${name}/open`, { seconds: 60 })),
      button("Close", "close", { breaker: b.name }, () => api("POST", `/api/breakers/${name}/close`)));
    tr.append(td);
    return tr;
  });
}

async function refreshDeadLetters() {
  $("#dl-job").textContent = state.job || "—";
  if (!state.job) return;
  const letters = await api("GET", `/api/jobs/${encodeURIComponent(state.job)}/dead-letters?limit=50`);
  fill($("#dead-letters tbody"), letters, (d) => {
    const tr = document.createElement("tr");
    tr.className = "clickable";
    tr.append(cell(d.id, "num"), cell(d.partition), cell(d.record_key), cell(d.error, "cut"),
      cell(d.payload_excerpt, "cut"), cell(d.created_at));
    tr.addEventListener("click", async () => {
      const full = await api("GET", `/api/dead-letters/${d.id}`);
      const pre = $("#payload");
      pre.hidden = false;
      pre.textContent = `#${full.id} ${full.partition} ${full.record_key || ""}\n${full.error}\n\n` +
        JSON.stringify(full.payload, null, 2);
    });
    return tr;
  });
}

async function refresh() {
  try {
    state.health = await api("GET", "/health");
    const mode = $("#mode");
    mode.textContent = state.health.read_only ? "read-only" : "changes need the token";
    mode.className = "badge " + (state.health.read_only ? "ro" : "rw");
    await refreshJobs();
    await Promise.all([refreshPartitions(), refreshLimits(), refreshBreakers(), refreshDeadLetters()]);
    $("#updated").textContent = "updated " + new Date().toLocaleTimeString();
    document.body.dataset.refreshed = String(Date.now());
  } catch (err) {
    say("could not refresh: " + err.message, false);
  }
}

$("#token").value = sessionStorage.getItem("sluice-token") || "";
$("#token").addEventListener("change", () => { sessionStorage.setItem("sluice-token", token()); refresh(); });
$("#state-filter").addEventListener("change", refresh);
refresh();
setInterval(refresh, 2000);
