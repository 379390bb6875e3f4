// eventwire web page: plain JavaScript, no libraries, no network beyond this server.
// Every value from the API reaches the page through textContent or SVG attributes, never as HTML.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const QUAD = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"};
const PAGE = 50;
const state = {offset: 0, total: 0, tab: "events", world: null, selected: null};

function el(tag, attrs, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === "class") node.setAttribute("class", v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

function filters() {
  const params = new URLSearchParams();
  for (const [k, v] of new FormData(document.getElementById("filters"))) {
    if (String(v).trim()) params.set(k, String(v).trim());
  }
  return params;
}

async function api(path, params) {
  const url = path + (params && [...params].length ? "?" + params.toString() : "");
  const resp = await fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}});
  const body = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    const msg = body.message || (typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail));
    throw new Error(`${resp.status}: ${msg}`);
  }
  return body;
}

function showError(err) {
  const p = document.getElementById("error");
  if (err) { p.textContent = err.message || String(err); p.hidden = false; } else { p.hidden = true; }
}

// ---- header and filter options ------------------------------------------------------------
async function loadStats() {
  const s = await api("/stats");
  document.getElementById("stats").textContent =
    `${s.events} events · ${s.claims} claims · ${s.articles} articles` +
    (s.first_day ? ` · ${s.first_day} to ${s.last_day}` : "");
  const sel = document.querySelector("select[name=root]");
  for (const r of s.by_root) {
    if (r.key) sel.append(el("option", {value: r.key}, `${r.key} ${(r.name || "").replace(/, not specified below/, "")} (${r.events})`));
  }
}

// ---- timeline: cooperation up, conflict down ---------------------------------------------
async function drawTimeline(params) {
  const p = new URLSearchParams(params);
  p.set("by", "cooperation");
  p.set("interval", document.getElementById("interval").value);
  const t = await api("/timeline", p);
  const svg = clear(document.getElementById("timeline"));
  const W = 900, H = 180, L = 34, R = 8, mid = 88;
  if (!t.buckets.length) { svg.append(el("svg:text", {x: W / 2, y: mid, "text-anchor": "middle", class: "muted"}, "no dated events")); return; }
  const coop = t.series.cooperation || {}, conf = t.series.conflict || {};
  const ms = (d) => Date.parse(d + "T00:00:00Z");
  const t0 = ms(t.buckets[0]), t1 = ms(t.buckets[t.buckets.length - 1]);
  const step = {day: 864e5, week: 7 * 864e5, month: 30.4 * 864e5}[t.interval];
  const span = Math.max(t1 - t0 + step, 12 * step);
  const x = (d) => L + (ms(d) - t0) / span * (W - L - R);
  const bw = Math.max(2, step / span * (W - L - R) - 1);
  const max = Math.max(1, ...t.buckets.map((b) => Math.max(coop[b] || 0, conf[b] || 0)));
  const y = (n) => n / max * (mid - 14);
  svg.append(el("svg:line", {x1: L, x2: W - R, y1: mid, y2: mid, class: "axis"}));
  svg.append(el("svg:text", {x: 2, y: 16, class: "tick"}, max));
  svg.append(el("svg:text", {x: 2, y: 2 * mid - 8, class: "tick"}, max));
  svg.append(el("svg:text", {x: L + 4, y: 12, class: "label coop"}, "cooperation ▲"));
  svg.append(el("svg:text", {x: L + 4, y: 2 * mid - 2, class: "label conf"}, "conflict ▼"));
  for (const b of t.buckets) {
    const c = coop[b] || 0, k = conf[b] || 0;
    if (c) svg.append(el("svg:rect", {x: x(b), y: mid - y(c), width: bw, height: y(c), class: "bar coop"},
      el("svg:title", {}, `${b}: ${c} cooperation`)));
    if (k) svg.append(el("svg:rect", {x: x(b), y: mid, width: bw, height: y(k), class: "bar conf"},
      el("svg:title", {}, `${b}: ${k} conflict`)));
  }
  const years = new Set();
  for (const b of t.buckets) years.add(b.slice(0, 4));
  const every = Math.ceil(years.size / 12);
  [...years].forEach((yr, i) => {
    if (i % every) return;
    const xx = x(`${yr}-01-01`) < L ? L : x(`${yr}-01-01`);
    svg.append(el("svg:text", {x: xx, y: H - 2, class: "tick"}, yr));
  });
}

// ---- dyad network: a small deterministic force layout ------------------------------------
async function drawNetwork(params) {
  const p = new URLSearchParams(params);
  p.set("limit", "60");
  const d = await api("/dyads", p);
  const svg = clear(document.getElementById("network"));
  const W = 440, H = 340;
  const ids = [...new Set(d.dyads.flatMap((e) => [e.source, e.target]))];
  if (!ids.length) { svg.append(el("svg:text", {x: W / 2, y: H / 2, "text-anchor": "middle", class: "muted"}, "no dyads")); return; }
  const nodes = ids.map((id, i) => ({id, x: W / 2 + 120 * Math.cos(2 * Math.PI * i / ids.length),
    y: H / 2 + 120 * Math.sin(2 * Math.PI * i / ids.length), w: 0}));
  const at = Object.fromEntries(nodes.map((n) => [n.id, n]));
  for (const e of d.dyads) { at[e.source].w += e.events; at[e.target].w += e.events; }
  for (let it = 0; it < 220; it++) {
    const cool = 1 - it / 220;
    for (const a of nodes) for (const b of nodes) {
      if (a === b) continue;
      const dx = a.x - b.x, dy = a.y - b.y, dd = Math.max(dx * dx + dy * dy, 25);
      a.x += dx / dd * 260 * cool; a.y += dy / dd * 260 * cool;
    }
    for (const e of d.dyads) {
      const a = at[e.source], b = at[e.target];
      const dx = b.x - a.x, dy = b.y - a.y, dist = Math.sqrt(dx * dx + dy * dy) || 1, f = (dist - 55) * 0.05 * cool;
      a.x += dx / dist * f; a.y += dy / dist * f; b.x -= dx / dist * f; b.y -= dy / dist * f;
    }
    for (const n of nodes) {
      n.x += (W / 2 - n.x) * 0.03; n.y += (H / 2 - n.y) * 0.03;
      n.x = Math.min(W - 30, Math.max(30, n.x)); n.y = Math.min(H - 14, Math.max(14, n.y));
    }
  }
  const defs = el("svg:defs");
  for (const q of [1, 2, 3, 4]) {
    defs.append(el("svg:marker", {id: `arrow${q}`, viewBox: "0 0 10 10", refX: 16, refY: 5, markerWidth: 7, markerHeight: 7, markerUnits: "userSpaceOnUse",
      orient: "auto-start-reverse"}, el("svg:path", {d: "M0,0 L10,5 L0,10 z", class: `q${q}`})));
  }
  svg.append(defs);
  const maxw = Math.max(...d.dyads.map((e) => e.events));
  for (const e of d.dyads) {
    const a = at[e.source], b = at[e.target];
    svg.append(el("svg:line", {x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: `edge q${e.quad_class}`,
      "stroke-width": 1 + 5 * e.events / maxw, "marker-end": `url(#arrow${e.quad_class})`},
      el("svg:title", {}, `${e.source} → ${e.target}: ${e.events} events (mostly ${QUAD[e.quad_class]})`)));
  }
  for (const n of nodes) {
    const g = el("svg:g", {class: "node", transform: `translate(${n.x.toFixed(1)},${n.y.toFixed(1)})`,
      onclick: () => setFilter("actor", n.id)}, el("svg:title", {}, `${n.id}: ${n.w} events; click to filter`));
    g.append(el("svg:circle", {r: 4 + Math.sqrt(n.w)}), el("svg:text", {y: -7 - Math.sqrt(n.w), "text-anchor": "middle"}, n.id));
    svg.append(g);
  }
}

// ---- map: equirectangular, bundled outline --------------------------------------------------
const px = (lon) => (lon + 180) * 2, py = (lat) => (90 - lat) * 2;

async function drawMap(params) {
  if (!state.world) state.world = await api("/static/world.json");
  const pl = await api("/places", params);
  const svg = clear(document.getElementById("map"));
  const counts = Object.fromEntries(pl.countries.map((c) => [c.country, c.events]));
  const max = Math.max(1, ...pl.countries.map((c) => c.events));
  svg.append(el("svg:rect", {x: 0, y: 0, width: 720, height: 360, class: "sea"}));
  for (const [iso, c] of Object.entries(state.world)) {
    const dpath = c.rings.map((r) => {
      let s = "";
      for (let i = 0; i < r.length; i += 2) s += (i ? "L" : "M") + px(r[i]).toFixed(1) + "," + py(r[i + 1]).toFixed(1);
      return s + "Z";
    }).join("");
    const n = counts[iso] || 0;
    const path = el("svg:path", {d: dpath, class: n ? "land hit" : "land", "data-iso": iso,
      onclick: () => setFilter("country", iso)}, el("svg:title", {}, `${c.name}: ${n} events`));
    if (n) path.setAttribute("fill-opacity", (0.25 + 0.75 * n / max).toFixed(2));
    svg.append(path);
  }
  for (const p of pl.points) {
    svg.append(el("svg:circle", {cx: px(p.lon), cy: py(p.lat), r: 2.5 + 2 * Math.sqrt(p.events),
      class: p.conflict * 2 >= p.events ? "place conf" : "place coop"},
      el("svg:title", {}, `${p.name} (${p.country}): ${p.events} events`)));
  }
}

// ---- events and claims lists ---------------------------------------------------------------
async function loadEvents(params) {
  const p = new URLSearchParams(params);
  p.set("limit", PAGE); p.set("offset", state.offset); p.set("sort", document.getElementById("sort").value);
  const r = await api("/events", p);
  state.total = r.total;
  document.getElementById("n-events").textContent = `(${r.total})`;
  const tbody = clear(document.querySelector("#events tbody"));
  for (const e of r.events) {
    const tr = el("tr", {class: `q${e.quad_class}`, "data-id": e.event_id, tabindex: 0, onclick: () => openEvent(e.event_id, tr),
      onkeydown: (ev) => { if (ev.key === "Enter") openEvent(e.event_id, tr); }},
      el("td", {}, e.day || ""), el("td", {title: e.source_text || ""}, e.source_code || "—"),
      el("td", {title: e.cameo_name || ""}, `${e.cameo} ${(e.cameo_name || "").replace(/, not specified below/, "")}`),
      el("td", {title: e.target_text || ""}, e.target_code || "—"), el("td", {}, e.certainty));
    tbody.append(tr);
  }
  if (!r.events.length) tbody.append(el("tr", {}, el("td", {colspan: 5, class: "muted"}, "no events match")));
  document.getElementById("page").textContent = r.total ? `${state.offset + 1}–${Math.min(state.offset + PAGE, r.total)} of ${r.total}` : "";
  document.getElementById("prev").disabled = state.offset === 0;
  document.getElementById("next").disabled = state.offset + PAGE >= r.total;
}

async function loadClaims(params) {
  const p = new URLSearchParams();
  const speaker = params.get("actor") || params.get("source");
  if (speaker) p.set("speaker", speaker);
  if (params.get("q")) p.set("q", params.get("q"));
  p.set("limit", PAGE);
  const r = await api("/claims", p);
  document.getElementById("n-claims").textContent = `(${r.total})`;
  const tbody = clear(document.querySelector("#claims tbody"));
  for (const c of r.claims) {
    tbody.append(el("tr", {onclick: () => openArticle(c.article_id, c)},
      el("td", {title: c.speaker_code || ""}, c.speaker_text || "(unattributed)"), el("td", {}, c.cue),
      el("td", {}, c.content)));
  }
}

// ---- the article with highlights -----------------------------------------------------------
function marked(text, marks) {
  // split the text at every mark boundary; each piece carries the kinds of all marks covering it
  const cuts = new Set([0, text.length]);
  for (const m of marks) { cuts.add(Math.max(0, m.start)); cuts.add(Math.min(text.length, m.end)); }
  const pts = [...cuts].sort((a, b) => a - b);
  const out = el("div", {class: "text"});
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i], b = pts[i + 1];
    const kinds = marks.filter((m) => m.start <= a && m.end >= b).map((m) => m.kind);
    const piece = text.slice(a, b);
    out.append(kinds.length ? el("mark", {class: [...new Set(kinds)].join(" ")}, piece) : piece);
  }
  return out;
}

function actorLine(label, a) {
  return el("dd", {}, a ? `${a.code || "?"} — “${a.text}”${a.entity ? ` (${a.entity})` : ""}` : "—");
}

async function openEvent(id, row) {
  try {
    const d = await api("/events/" + encodeURIComponent(id).replace(/%3A/g, ":"));
    document.querySelectorAll("#events tr.selected").forEach((r) => r.classList.remove("selected"));
    if (row) row.classList.add("selected");
    const e = d.event, art = d.article || {text: e.text};
    const box = clear(document.getElementById("article"));
    box.append(
      el("h3", {}, art.title || e.doc_id),
      el("p", {class: "muted"}, [art.outlet, art.published, e.doc_id].filter(Boolean).join(" · ")),
      el("dl", {class: "facts"},
        el("dt", {}, "event"), el("dd", {}, `${e.cameo} ${d.cameo_name || ""} — ${d.quad_name || ""}, Goldstein ${e.goldstein}`),
        el("dt", {}, "source"), actorLine("source", e.source),
        el("dt", {}, "target"), actorLine("target", e.target),
        el("dt", {}, "trigger"), el("dd", {}, e.trigger || "—"),
        el("dt", {}, "certainty"), el("dd", {}, e.certainty + (e.attributed_to ? `, according to ${e.attributed_to.text}` : "")),
        el("dt", {}, "date"), el("dd", {}, e.date ? `${e.date.value} (${e.date.precision}, “${e.date.text}”)` : "—"),
        el("dt", {}, "place"), el("dd", {}, e.location ? `${e.location.name}, ${e.location.country}` : "—"),
        el("dt", {}, "rule"), el("dd", {class: "rule"}, d.rule || "—")),
      el("p", {class: "legend"}, el("mark", {class: "evidence"}, "evidence"), " ", el("mark", {class: "source"}, "source"), " ",
        el("mark", {class: "target"}, "target"), " ", el("mark", {class: "trigger"}, "trigger"), " ",
        el("mark", {class: "speaker"}, "claimed by")),
      marked(art.text, d.highlights));
    state.selected = id;
    const ev = box.querySelector("mark.evidence");
    if (ev) box.scrollTop = Math.max(0, ev.offsetTop - 120);
  } catch (err) { showError(err); }
}

async function openArticle(articleId, claim) {
  try {
    const d = await api("/articles/" + encodeURIComponent(articleId));
    const box = clear(document.getElementById("article"));
    const marks = [];
    if (claim) marks.push({kind: "evidence", start: claim.content_start, end: claim.content_end});
    box.append(el("h3", {}, d.article.title || d.article.doc_id),
      el("p", {class: "muted"}, [d.article.outlet, d.article.published].filter(Boolean).join(" · ")),
      claim ? el("p", {}, el("b", {}, claim.speaker_text || "(unattributed)"), ` ${claim.cue}: “${claim.content}”`) : null,
      marked(d.article.text, marks));
  } catch (err) { showError(err); }
}

// ---- wiring ---------------------------------------------------------------------------------
function setFilter(name, value) {
  const input = document.querySelector(`#filters [name=${name}]`);
  input.value = value;
  state.offset = 0;
  refresh();
}

async function refresh(listOnly) {
  showError(null);
  const params = filters();
  const exp = new URLSearchParams(params);
  exp.set("format", "csv"); exp.set("limit", "100000"); exp.set("sort", document.getElementById("sort").value);
  document.getElementById("export").href = "/events?" + exp.toString();
  const jobs = [loadEvents(params)];
  if (!listOnly) jobs.push(drawTimeline(params), drawNetwork(params), drawMap(params), loadClaims(params));
  const results = await Promise.allSettled(jobs);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) showError(failed.reason);
  document.body.dataset.ready = String(Date.now());
}

document.addEventListener("DOMContentLoaded", async () => {
  const form = document.getElementById("filters");
  form.addEventListener("submit", (ev) => { ev.preventDefault(); state.offset = 0; refresh(); });
  form.addEventListener("reset", () => setTimeout(() => { state.offset = 0; refresh(); }, 0));
  document.getElementById("interval").addEventListener("change", () => drawTimeline(filters()).catch(showError));
  document.getElementById("sort").addEventListener("change", () => { state.offset = 0; refresh(true); });
  document.getElementById("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); refresh(true); });
  document.getElementById("next").addEventListener("click", () => { state.offset += PAGE; refresh(true); });
  for (const tab of document.querySelectorAll(".tab")) {
    tab.addEventListener("click", () => {
      document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t === tab));
      document.getElementById("events").hidden = tab.dataset.tab !== "events";
      document.getElementById("claims").hidden = tab.dataset.tab !== "claims";
      document.querySelector(".pager").hidden = tab.dataset.tab !== "events";
    });
  }
  try { await loadStats(); } catch (err) { showError(err); }
  await refresh();
});
