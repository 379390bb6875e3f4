// The API reference, rendered from /openapi.json (offline: no Swagger UI from a CDN).
"use strict";
function el(tag, attrs, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
  for (const c of kids) if (c !== null && c !== undefined) n.append(c instanceof Node ? c : String(c));
  return n;
}
function typeOf(schema) {
  if (!schema) return "";
  if (schema.anyOf) return schema.anyOf.map(typeOf).filter((t) => t !== "null").join(" | ");
  if (schema.enum) return schema.enum.join(" | ");
  let t = schema.type || "";
  if (schema.pattern) t += ` /${schema.pattern}/`;
  if (schema.maximum !== undefined) t += ` ≤ ${schema.maximum}`;
  if (schema.format) t += ` (${schema.format})`;
  return t;
}
fetch("/openapi.json", {credentials: "same-origin"}).then((r) => r.json()).then((spec) => {
  const main = document.getElementById("docs");
  main.replaceChildren(el("p", {}, spec.info.description || ""));
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const rows = (op.parameters || []).map((p) => el("tr", {}, el("td", {}, el("code", {}, p.name)), el("td", {}, p.in),
        el("td", {}, typeOf(p.schema)), el("td", {}, p.description || "")));
      const example = path.includes("{") ? null : el("a", {href: path}, "try it");
      main.append(el("section", {class: "op"}, el("h3", {}, el("code", {}, `${method.toUpperCase()} ${path}`), " ", example),
        el("p", {}, op.summary || ""),
        rows.length ? el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "in"), el("th", {}, "type"),
          el("th", {}, "meaning")), ...rows) : null));
    }
  }
});
