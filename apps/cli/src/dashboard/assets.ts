// The page, its style and its script: small enough to need no framework, served from memory, no
// network access needed (no CDN). The script builds the DOM with textContent only (no HTML from data).

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>github-webhooks · serve</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header>
  <h1>github-webhooks <span class="muted">local stack</span></h1>
  <form id="login" method="post" action="/login" hidden>
    <label>Token <input type="password" name="token" autocomplete="current-password" required></label>
    <button type="submit">Show private deliveries</button>
  </form>
  <form id="logout" method="post" action="/logout" hidden><button type="submit">Log out</button></form>
  <span id="session" class="muted"></span>
</header>
<section class="cards">
  <div class="card"><h2>Relay</h2><dl id="relay"></dl></div>
  <div class="card"><h2>Broker</h2><dl id="broker"></dl></div>
  <div class="card"><h2>Compactor</h2><dl id="compactor"></dl></div>
  <div class="card"><h2>Reconciler</h2><dl id="reconciler"></dl></div>
  <div class="card"><h2>Rejected</h2><dl id="rejected"></dl></div>
</section>
<section id="drift">
  <h2>Privacy drift <span class="muted">allowlisted events of public repositories judged private by what is deeper in the payload, since start</span></h2>
  <dl id="drift-counts"></dl>
  <p class="muted">A new action or a changed field, from GitHub (update the event model: docs/develop.md) or a relabelled delivery; or a private repository named in the payload. Kept private: never on Pulse.</p>
  <table id="drift-recent" hidden>
    <thead><tr><th>time</th><th>event</th><th>action</th><th>reason</th><th>field</th></tr></thead>
    <tbody></tbody>
  </table>
</section>
<section>
  <h2>Archive, last 24 hours <span id="counted" class="muted"></span></h2>
  <div id="hours" class="chart"></div>
  <div id="events" class="events"></div>
</section>
<section>
  <h2>Recent deliveries</h2>
  <p class="muted">The last 500 requests, kept in memory only: lost when serve restarts (the archive keeps every delivery).</p>
  <table id="requests">
    <thead><tr><th>time</th><th>status</th><th>GUID</th><th>event</th><th>action</th><th>repository</th><th>hook</th><th>visibility</th><th>size</th></tr></thead>
    <tbody></tbody>
  </table>
</section>
<section id="detail" hidden>
  <h2>Delivery <span id="detail-guid"></span></h2>
  <h3>Headers</h3><pre id="detail-headers"></pre>
  <h3>Payload</h3><pre id="detail-payload"></pre>
</section>
</body>
</html>
`;

export const PAGE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 1.5rem 2rem; color: #1f2328; }
header { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; }
h1 { font-size: 1.3rem; } h2 { font-size: 1rem; margin: 1.2rem 0 .4rem; } h3 { font-size: .9rem; }
.muted { color: #656d76; font-weight: normal; font-size: .85rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: .7rem; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .3rem .8rem .6rem; }
.card h2 { margin: .3rem 0; }
dl { display: grid; grid-template-columns: auto 1fr; gap: .1rem .6rem; margin: 0; font-size: .85rem; }
dt { color: #656d76; } dd { margin: 0; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eaeef2; white-space: nowrap; }
tbody tr { cursor: pointer; } tbody tr:hover { background: #f6f8fa; }
#drift-recent tbody tr { cursor: default; } #drift-counts { max-width: 24rem; }
td.guid { font-family: ui-monospace, monospace; font-size: .8rem; }
.mark { border-radius: 1em; padding: 0 .5em; font-size: .8rem; }
.mark-public { background: #dafbe1; color: #116329; } .mark-private { background: #fff1e5; color: #953800; }
.mark-rejected { background: #ffebe9; color: #a40e26; }
.ok { color: #116329; } .bad { color: #a40e26; }
.chart { display: flex; align-items: flex-end; gap: 3px; height: 90px; border-bottom: 1px solid #d0d7de; }
.bar { background: #9ec5fe; min-width: 14px; position: relative; } .bar .pub { background: #1f883d; position: absolute; bottom: 0; left: 0; right: 0; }
.events { display: flex; flex-wrap: wrap; gap: .3rem .9rem; font-size: .8rem; margin-top: .4rem; }
pre { background: #f6f8fa; padding: .6rem; overflow: auto; max-height: 24rem; font-size: .8rem; }
`;

export const APP_JS = `'use strict';
const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); if (cls) e.className = cls; return e; };
function pairs(target, entries) {
  target.replaceChildren(...entries.flatMap(([k, v, cls]) => [el('dt', k), el('dd', v === undefined || v === null ? '—' : v, cls)]));
}
function size(bytes) { return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + ' MiB' : bytes >= 1024 ? (bytes / 1024).toFixed(1) + ' KiB' : bytes + ' B'; }
function visibility(r) {
  if (r.status >= 400) return ['rejected: ' + (r.error || r.status), 'mark mark-rejected'];
  if (r.public === undefined) return ['not archived', 'mark'];
  return [(r.public ? 'public' : 'private') + ' · ' + (r.privacy || '?'), 'mark ' + (r.public ? 'mark-public' : 'mark-private')];
}
function render(s) {
  const h = s.health || {};
  const relay = h.relay || {};
  pairs($('relay'), [['pending', relay.pending], ['lag', relay.lag_seconds === undefined ? undefined : relay.lag_seconds + ' s'], ['backlog', relay.backlog_bytes === undefined ? undefined : size(relay.backlog_bytes)], ['state', relay.retrying ? 'retrying' : 'running', relay.retrying ? 'bad' : 'ok']]);
  const broker = h.broker || {};
  pairs($('broker'), [['connected', broker.connected ? 'yes' : 'no', broker.connected ? 'ok' : 'bad'], ['away since', broker.away_since], ['last error', broker.last_error]]);
  const c = h.compactor || {};
  pairs($('compactor'), c.enabled === false ? [['state', 'off']] : [['last run', c.last_run], ['hours compacted', c.hours_compacted], ['state', c.running ? 'running' : (c.last_error ? 'failed: ' + c.last_error : 'idle'), c.last_error ? 'bad' : undefined]]);
  const rc = h.reconciler || {};
  pairs($('reconciler'), !rc.enabled ? [['state', 'off']] : [['last run', rc.last_run], ['redelivered', rc.last && rc.last.redelivered], ['gave up', rc.last && rc.last.gave_up], ['expiring', rc.last && rc.last.expiring], ['state', rc.last_error ? 'failed: ' + rc.last_error : rc.running ? 'running' : 'idle', rc.last_error ? 'bad' : undefined]]);
  const rejected = Object.entries(s.rejected || {});
  pairs($('rejected'), rejected.length === 0 ? [['none', '']] : rejected);
  pairs($('drift-counts'), Object.entries(h.privacy_drift || {}).map(([reason, n]) => [reason, n, n > 0 ? 'bad' : undefined]));
  const drifts = s.drifts || [];
  $('drift-recent').hidden = drifts.length === 0;
  $('drift-recent').tBodies[0].replaceChildren(...drifts.map((d) => { const tr = el('tr'); tr.dataset.reason = d.reason; [d.at.slice(11, 23), d.event, d.action || '', d.reason, d.field || ''].forEach((v) => tr.append(el('td', v))); return tr; }));
  const hours = (s.archive && s.archive.hours) || [];
  const max = Math.max(1, ...hours.map((x) => x.total));
  $('hours').replaceChildren(...hours.map((x) => { const b = el('div', undefined, 'bar'); b.style.height = (100 * x.total / max) + '%'; b.title = x.hour + ': ' + x.total + ' (' + x.public + ' public)'; const p = el('div', undefined, 'pub'); p.style.height = (100 * x.public / Math.max(1, x.total)) + '%'; b.append(p); return b; }));
  $('events').replaceChildren(...((s.archive && s.archive.events) || []).slice(0, 24).map((e) => el('span', e.event + ' ' + e.total)));
  $('counted').textContent = s.archive && s.archive.counted_at ? 'counted ' + s.archive.counted_at : '';
  const rows = (s.requests || []).map((r) => {
    const tr = el('tr');
    tr.dataset.seq = r.seq; tr.dataset.guid = r.delivery_id || ''; if (r.withheld) tr.dataset.withheld = 'true';
    tr.dataset.visibility = r.status >= 400 ? 'rejected' : r.public === true ? 'public' : r.public === false ? 'private' : 'unknown';
    const [text, cls] = visibility(r);
    const mark = el('span', text, cls);
    const cells = [r.at.slice(11, 23), r.status, r.delivery_id || '', r.event || '', r.action || '', r.repository || '', r.hook_id || '', '', size(r.bytes)];
    cells.forEach((v, i) => { const td = el('td', i === 7 ? undefined : v, i === 2 ? 'guid' : undefined); if (i === 7) td.append(mark); tr.append(td); });
    tr.addEventListener('click', () => show(r.seq));
    return tr;
  });
  $('requests').tBodies[0].replaceChildren(...rows);
  const session = s.session || {};
  $('login').hidden = !session.token_configured || session.authorized;
  $('logout').hidden = !session.authorized;
  $('session').textContent = !session.token_configured ? 'no DASHBOARD_TOKEN: private deliveries show only their rule, time, status and size' : session.authorized ? 'token accepted: private deliveries shown' : '';
}
async function show(seq) {
  const response = await fetch('/requests/' + seq);
  const d = await response.json();
  $('detail').hidden = false;
  $('detail-guid').textContent = d.entry ? (d.entry.delivery_id || '') : '';
  $('detail-headers').textContent = d.headers ? Object.entries(d.headers).map(([k, v]) => k + ': ' + v).join('\\n')
    : d.entry && d.entry.withheld ? (d.payload_hidden === 'private_no_token_configured' ? 'private delivery: its headers are never shown without a DASHBOARD_TOKEN' : 'private delivery: enter the token to see its headers')
    : (d.error || '');
  let payload = d.payload;
  if (payload !== undefined) { try { payload = JSON.stringify(JSON.parse(payload), null, 2); } catch (e) {} }
  $('detail-payload').textContent = payload !== undefined ? payload
    : d.payload_hidden === 'private_token_required' ? 'private delivery: enter the token to see its payload'
    : d.payload_hidden === 'private_no_token_configured' ? 'private delivery: its payload is never shown without a DASHBOARD_TOKEN'
    : 'not kept in memory (larger than 64 KiB, or not archived): see the archive';
}
function connect() {
  const source = new EventSource('/events');
  source.onmessage = (m) => render(JSON.parse(m.data));
  source.onerror = () => { $('session').textContent = 'disconnected, retrying…'; };
}
connect();
`;
