// A client of `egovrules serve` in plain JavaScript (Node.js 18 or later: fetch is built in),
// written by hand from the OpenAPI document (/openapi.json). It checks a Wuhan website that
// went online on 2026-03-01 and has not filed with the police, as of 2026-03-22, and prints
// each violation with its article; it exits 1 when there are violations, as `egovrules check`.
//
//   node examples/serve/client.mjs [BASE_URL]      (default http://127.0.0.1:8080)
//   EGOVRULES_TOKEN=...                             the bearer token, when the server has one

const base = process.argv[2] ?? "http://127.0.0.1:8080";
const headers = { "Content-Type": "application/json" };
if (process.env.EGOVRULES_TOKEN) headers.Authorization = `Bearer ${process.env.EGOVRULES_TOKEN}`;

const site = {
  kind: "website",
  id: "site-1",
  has_interactive_columns: true,
  network_access_date: "2026-03-01",
};

const response = await fetch(`${base}/v1/packs/wuhan/check?as_of=2026-03-22&lang=en`, {
  method: "POST",
  headers,
  body: JSON.stringify(site),
});
const answer = await response.json();
if (!response.ok) {
  // Errors are data: a code, a message, and where in the body (a JSON path).
  const { error, diagnostics, request_id } = answer;
  console.error(`${response.status} ${error.code}: ${error.message} (request ${request_id})`);
  for (const d of diagnostics) console.error(`  ${d.location ?? ""} ${d.code} ${d.message}`);
  process.exit(2);
}
for (const report of answer.reports) {
  for (const v of report.violations) {
    console.log(`${report.subject.id}: ${v.rule_id} (${v.citation.label}): ${v.message}`);
  }
}
process.exit(answer.summary.violations > 0 ? 1 : 0);
