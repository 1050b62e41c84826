// Freshet's web UI: plain ES module, no build step. Hash routes: #/ (asset graph), #/asset/KEY,
// #/runs, #/runs/ID, #/backfills. Everything comes from the planner's HTTP API; pages poll it
// every two seconds and redraw only what changed. The graph is laid out by dagre (served from
// node_modules by the planner), never hand-placed.
const view = document.getElementById('view');
const POLL_MS = 2000;
let timer = null;
let renderToken = 0;

const STATUSES = ['fresh', 'stale', 'overdue', 'missing', 'running', 'source'];

function token() {
  return localStorage.getItem('freshet.token') || '';
}

async function api(path, options = {}) {
  const headers = { ...(options.body ? { 'content-type': 'application/json' } : {}) };
  if (token()) headers.authorization = `Bearer ${token()}`;
  const res = await fetch(path, { ...options, headers });
  const body = await res.json().catch(() => ({}));
  if (res.status === 401 || res.status === 403) askForToken(body.message);
  if (!res.ok) throw Object.assign(new Error(body.message || `${res.status}`), { status: res.status, body });
  return body;
}

function askForToken(message) {
  const box = document.getElementById('token-box');
  if (box.querySelector('input')) return;
  box.innerHTML = `<input type="password" placeholder="API token" title="${esc(message || '')}"> <button>Use</button>`;
  box.querySelector('button').onclick = () => {
    localStorage.setItem('freshet.token', box.querySelector('input').value);
    box.innerHTML = '';
    route();
  };
}

function esc(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function when(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}Z`;
}

function minutes(m) {
  if (m === null || m === undefined) return '–';
  if (m < 1) return `${Math.round(m * 60)} s`;
  if (m < 120) return `${m.toFixed(1)} min`;
  return `${(m / 60).toFixed(1)} h`;
}

function badge(status) {
  return `<span class="badge status-${esc(status)}">${esc(status)}</span>`;
}

function poll(fn) {
  const mine = ++renderToken;
  const tick = async () => {
    if (mine !== renderToken) return;
    try {
      await fn();
    } catch (error) {
      const note = document.getElementById('error');
      if (note) note.textContent = error.message;
    }
    if (mine === renderToken) timer = setTimeout(tick, POLL_MS);
  };
  clearTimeout(timer);
  return tick();
}

// ---------- the asset graph ----------

/** Lays the assets out with dagre and draws an SVG: one group per asset, colored by status. */
function drawGraph(svg, assets, { highlight = null, rankdir = 'LR' } = {}) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir, nodesep: 22, ranksep: 60, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const keys = new Set(assets.map((a) => a.key));
  for (const a of assets) g.setNode(a.key, { width: Math.max(120, a.key.length * 7.5 + 24), height: 40 });
  for (const a of assets) for (const d of a.deps) if (keys.has(d)) g.setEdge(d, a.key);
  dagre.layout(g);
  const { width, height } = g.graph();
  svg.setAttribute('viewBox', `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`);
  svg.setAttribute('width', Math.ceil(width));
  svg.setAttribute('height', Math.ceil(height));
  const edges = g.edges().map((e) => {
    const pts = g.edge(e).points;
    return `<path class="edge" marker-end="url(#arrow)" data-from="${esc(e.v)}" data-to="${esc(e.w)}" d="M${pts.map((p) => `${p.x},${p.y}`).join(' L')}"/>`;
  });
  const nodes = assets.map((a) => {
    const n = g.node(a.key);
    const sub = a.partitions ? (a.partitions.scope && a.partitions.scope.total < a.partitions.total ? `${a.partitions.scope.materialized}/${a.partitions.scope.total} recent of ${a.partitions.total}` : `${a.partitions.materialized}/${a.partitions.total} partitions`) : a.kind === 'materializable' ? (a.lagMinutes === null ? a.status : `lag ${minutes(a.lagMinutes)}`) : a.kind === 'source' ? 'source' : 'observed source';
    return `<g class="node status-${esc(a.status)}${a.key === highlight ? ' current' : ''}" data-asset="${esc(a.key)}" data-status="${esc(a.status)}" transform="translate(${n.x - n.width / 2},${n.y - n.height / 2})">
      <title>${esc(a.key)}: ${esc(a.status)}</title>
      <rect width="${n.width}" height="${n.height}" ${a.key === highlight ? 'stroke-width="3"' : ''}></rect>
      <text x="10" y="16">${esc(a.key)}</text><text class="sub" x="10" y="31">${esc(sub)}</text></g>`;
  });
  svg.innerHTML = `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#9aa3b2"/></marker></defs>${edges.join('')}${nodes.join('')}`;
  for (const node of svg.querySelectorAll('g.node')) node.addEventListener('click', () => (location.hash = `#/asset/${encodeURIComponent(node.dataset.asset)}`));
}

async function graphPage() {
  view.innerHTML = `<h1>Assets</h1>
    <div class="legend">${STATUSES.map((s) => `<span style="--c: var(--${s})">${s}</span>`).join('')}</div>
    <svg id="graph" role="img" aria-label="asset graph"></svg><p id="error" class="error"></p>
    <h2>Freshness violations</h2><div id="violations"></div>`;
  let signature = '';
  await poll(async () => {
    const { assets } = await api('/api/assets');
    const next = JSON.stringify(assets.map((a) => [a.key, a.deps, a.status, a.partitions, a.lagMinutes === null ? null : Math.round(a.lagMinutes)]));
    if (next !== signature) {
      signature = next;
      drawGraph(document.getElementById('graph'), assets);
    }
    const { open, past } = await api('/api/violations');
    document.getElementById('violations').innerHTML = open.length + past.length === 0 ? '<p class="muted">None, open or past.</p>' : `<table><tr><th>Asset</th><th>Partition</th><th>State</th><th>Since</th><th>Overdue / lasted</th></tr>
      ${open.map((v) => `<tr><td><a href="#/asset/${encodeURIComponent(v.asset)}">${esc(v.asset)}</a></td><td>${esc(v.partitionRange ? `${v.partitionRange.first} … ${v.partitionRange.last} (${v.partitionRange.count})` : (v.partition ?? ''))}</td><td>${badge('overdue')}</td><td>${when(v.since)}</td><td>${minutes(v.overdueMinutes)}</td></tr>`).join('')}
      ${past.slice(0, 20).map((v) => `<tr><td><a href="#/asset/${encodeURIComponent(v.asset)}">${esc(v.asset)}</a></td><td>${esc(v.partition ?? '')}</td><td>resolved ${when(v.resolvedAt)}</td><td>${when(v.since)}</td><td>${minutes(v.durationMinutes)}</td></tr>`).join('')}</table>`;
  });
}

// ---------- one asset ----------

function freshnessChart(data) {
  const W = 640, H = 180, L = 48, B = 24;
  const pts = data.points.filter((p) => p.lagMinutes !== null);
  if (pts.length < 2) return '<p class="muted">Not enough history for a chart yet.</p>';
  const t0 = Date.parse(data.points[0].at), t1 = Date.parse(data.points[data.points.length - 1].at);
  const maxLag = Math.max(data.maximumLagMinutes ?? 0, ...pts.map((p) => p.lagMinutes)) * 1.1 || 1;
  const x = (t) => L + ((t - t0) / Math.max(1, t1 - t0)) * (W - L - 8);
  const y = (m) => H - B - (m / maxLag) * (H - B - 10);
  const line = pts.map((p) => `${x(Date.parse(p.at)).toFixed(1)},${y(p.lagMinutes).toFixed(1)}`).join(' ');
  const limit = data.maximumLagMinutes === null ? '' : `<line class="limit" x1="${L}" x2="${W - 8}" y1="${y(data.maximumLagMinutes)}" y2="${y(data.maximumLagMinutes)}"/><text x="${W - 8}" y="${y(data.maximumLagMinutes) - 4}" text-anchor="end">max lag ${minutes(data.maximumLagMinutes)}</text>`;
  return `<svg class="chart" id="freshness-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">
    <line x1="${L}" x2="${L}" y1="8" y2="${H - B}" stroke="#ccc"/><line x1="${L}" x2="${W - 8}" y1="${H - B}" y2="${H - B}" stroke="#ccc"/>
    <text x="${L - 4}" y="${y(maxLag / 1.1) + 4}" text-anchor="end">${minutes(maxLag / 1.1)}</text><text x="${L - 4}" y="${H - B}" text-anchor="end">0</text>
    <text x="${L}" y="${H - 6}">${when(data.points[0].at)}</text><text x="${W - 8}" y="${H - 6}" text-anchor="end">now</text>
    ${limit}<polyline class="lag" points="${line}"/></svg>`;
}

function decisionRows(decisions) {
  if (decisions.length === 0) return '<tr><td colspan="5" class="muted">No stored decision about this asset yet.</td></tr>';
  return decisions
    .map((d) => `<tr class="decision decision-${d.kind}"><td>${when(new Date(d.at).toISOString())}</td><td>${esc(d.kind)}${d.partitions ? ` <span class="muted">${d.partitionCount === 1 ? esc(d.partitions[0]) : `${d.partitionCount} partitions`}</span>` : ''}</td>
      <td>${esc(d.reasons.join(', '))}</td><td>${esc(d.sentence)}</td><td>${d.runId ? `<a href="#/runs/${encodeURIComponent(d.runId)}">${esc(d.runId.slice(0, 8))}</a>` : ''}</td></tr>`)
    .join('');
}

async function assetPage(key) {
  view.innerHTML = `<h1 id="asset-title">${esc(key)}</h1><p id="error" class="error"></p>
    <div class="cols"><div><dl class="facts" id="facts"></dl><div id="actions"></div></div><div><h2 style="margin-top:0">Lineage</h2><svg id="graph" class="lineage"></svg></div></div>
    <div id="partitions-section"></div>
    <h2>Freshness over the last 24 hours</h2><div id="chart"></div>
    <h2>Decision log</h2><table id="decision-log"><thead><tr><th>At</th><th>Decision</th><th>Reasons</th><th>Why</th><th>Run</th></tr></thead><tbody></tbody></table>`;
  let lineageSignature = '';
  let actionsDrawn = false;
  await poll(async () => {
    const [asset, all] = await Promise.all([api(`/api/assets/${encodeURIComponent(key)}`), api('/api/assets')]);
    document.getElementById('facts').innerHTML = `
      <dt>Status</dt><dd>${badge(asset.status)}</dd>
      <dt>Kind</dt><dd>${esc(asset.kind)} · ${esc(asset.automation)} · code location ${esc(asset.codeLocation)}${asset.codeVersion ? ` · code version ${esc(asset.codeVersion)}` : ''}</dd>
      <dt>Data time</dt><dd>${when(asset.dataTime)}</dd><dt>Lag</dt><dd>${minutes(asset.lagMinutes)}</dd>
      <dt>Freshness policy</dt><dd>${asset.freshnessPolicy ? `at most ${minutes(asset.freshnessPolicy.maximumLagMinutes)} behind${asset.freshnessPolicy.cronSchedule ? ` at ${esc(asset.freshnessPolicy.cronSchedule)}` : ''}` : '–'}</dd>
      ${asset.policyFit ? `<dt>Pipeline</dt><dd${asset.policyFit.fit === 'ok' ? '' : ' class="error"'}>${asset.policyFit.partial ? 'at least ' : ''}${minutes(asset.policyFit.pipelineMinutes)} of compute before it can land${asset.policyFit.fit === 'tooTight' ? ': the policy is too tight, no refresh can land in time' : asset.policyFit.fit === 'tight' ? ': the policy is tight, any wait makes it late' : ''}</dd>` : ''}
      <dt>Next deadline</dt><dd>${when(asset.nextDeadline)}</dd>
      ${asset.overdueMinutes !== null ? `<dt>Overdue</dt><dd class="error">${minutes(asset.overdueMinutes)}</dd>` : ''}
      <dt>Stale because</dt><dd>${asset.staleCauses.length ? esc(asset.staleCauses.map((c) => c.sentence).join('; ')) : '–'}</dd>
      <dt>Upstream</dt><dd>${asset.deps.map((d) => `<a href="#/asset/${encodeURIComponent(d)}">${esc(d)}</a>`).join(', ') || '–'}</dd>
      <dt>Downstream</dt><dd>${asset.children.map((d) => `<a href="#/asset/${encodeURIComponent(d)}">${esc(d)}</a>`).join(', ') || '–'}</dd>
      ${asset.description ? `<dt>About</dt><dd>${esc(asset.description)}</dd>` : ''}`;
    // Lineage: every ancestor and descendant, laid out like the main graph.
    const byKey = new Map(all.assets.map((a) => [a.key, a]));
    const related = new Set([key]);
    const walk = (k, next) => { for (const n of next(byKey.get(k)) || []) if (!related.has(n)) { related.add(n); walk(n, next); } };
    walk(key, (a) => a?.deps);
    walk(key, (a) => a?.children);
    const lineage = all.assets.filter((a) => related.has(a.key));
    const sig = JSON.stringify(lineage.map((a) => [a.key, a.status]));
    if (sig !== lineageSignature) {
      lineageSignature = sig;
      drawGraph(document.getElementById('graph'), lineage, { highlight: key });
    }
    if (!actionsDrawn && asset.kind === 'materializable') {
      actionsDrawn = true;
      document.getElementById('actions').innerHTML = `<h2>Materialize now</h2><form id="materialize-form">${asset.partitions ? '<label>Partition<input name="partition" required></label>' : ''}
        <label>Selection<select name="scope"><option value="">this asset</option><option value="+">and downstream</option></select></label><button>Materialize</button><span id="materialize-result" class="muted"></span></form>
        ${asset.partitions ? `<h2>Backfill</h2>${backfillFormHtml([asset.key])}` : ''}`;
      document.getElementById('materialize-form').onsubmit = async (event) => {
        event.preventDefault();
        const form = new FormData(event.target);
        const body = { selection: `${key}${form.get('scope') || ''}`, ...(form.get('partition') ? { partition: form.get('partition') } : {}) };
        const out = document.getElementById('materialize-result');
        try {
          const { runs } = await api('/api/materializations', { method: 'POST', body: JSON.stringify(body) });
          out.innerHTML = `requested: ${runs.map((r) => `<a href="#/runs/${encodeURIComponent(r.runId)}">${esc(r.runId.slice(0, 8))}</a>`).join(', ')}`;
        } catch (error) {
          out.innerHTML = `<span class="error">${esc(error.message)}</span>`;
        }
      };
      if (asset.partitions) wireBackfillForm();
    }
    if (asset.partitions) {
      const { partitions } = await api(`/api/assets/${encodeURIComponent(key)}/partitions?limit=400`);
      document.getElementById('partitions-section').innerHTML = `<h2>Partitions <span class="muted">(newest first; ${asset.partitions.materialized} of ${asset.partitions.total} materialized)</span></h2>
        <div class="grid" id="partition-grid">${partitions.map((p) => `<span class="cell status-${esc(p.status)}" data-partition="${esc(p.key)}" data-status="${esc(p.status)}" title="${esc(p.key)}: ${esc(p.status)}${p.materializedAt ? ` at ${when(p.materializedAt)}` : ''}"></span>`).join('')}</div>`;
    }
    const chart = await api(`/api/assets/${encodeURIComponent(key)}/freshness?hours=24`);
    document.getElementById('chart').innerHTML = freshnessChart(chart);
    const { decisions } = await api(`/api/assets/${encodeURIComponent(key)}/decisions?limit=100`);
    document.querySelector('#decision-log tbody').innerHTML = decisionRows(decisions);
  });
}

// ---------- runs ----------

async function runsPage() {
  view.innerHTML = `<h1>Runs</h1><p id="error" class="error"></p><table id="runs"><thead><tr><th>Run</th><th>Status</th><th>Asset partitions</th><th>Requested</th><th>Started</th><th>Finished</th><th>Error</th></tr></thead><tbody></tbody></table>`;
  await poll(async () => {
    const { runs } = await api('/api/runs?limit=200');
    document.querySelector('#runs tbody').innerHTML = runs
      .map((r) => `<tr data-run="${esc(r.runId)}"><td><a href="#/runs/${encodeURIComponent(r.runId)}">${esc(r.runId.slice(0, 8))}</a></td><td>${badge(r.status === 'succeeded' ? 'fresh' : r.status === 'failed' ? 'overdue' : 'running').replace(/>[a-z]+</, `>${esc(r.status)}<`)}</td>
        <td>${esc(r.assetPartitions.slice(0, 6).map((ap) => (ap.partition ? `${ap.asset}[${ap.partition}]` : ap.asset)).join(', '))}${r.assetPartitions.length > 6 ? ` … (${r.assetPartitions.length})` : ''}</td>
        <td>${when(r.requestedAt)}</td><td>${when(r.startedAt)}</td><td>${when(r.finishedAt)}</td><td class="error">${esc(r.error ?? '')}</td></tr>`)
      .join('');
  });
}

async function runPage(id) {
  view.innerHTML = `<h1>Run ${esc(id)}</h1><p id="error" class="error"></p><dl class="facts" id="facts"></dl><h2>Events</h2><table id="events"><thead><tr><th>At</th><th>Event</th><th>Asset</th><th>Partition</th><th>Detail</th></tr></thead><tbody></tbody></table>`;
  await poll(async () => {
    const run = await api(`/api/runs/${encodeURIComponent(id)}`);
    document.getElementById('facts').innerHTML = `<dt>Status</dt><dd>${esc(run.status)}</dd><dt>Requested</dt><dd>${when(run.requestedAt)}</dd><dt>Finished</dt><dd>${when(run.finishedAt)}</dd>${run.error ? `<dt>Error</dt><dd class="error">${esc(run.error)}</dd>` : ''}`;
    document.querySelector('#events tbody').innerHTML = run.events
      .map((e) => `<tr><td>${when(new Date(e.at).toISOString())}</td><td>${esc(e.type)}</td><td>${e.asset ? `<a href="#/asset/${encodeURIComponent(e.asset)}">${esc(e.asset)}</a>` : ''}</td><td>${esc(e.partition ?? '')}</td><td>${esc(e.detail ?? '')}</td></tr>`)
      .join('');
  });
}

// ---------- backfills ----------

function backfillFormHtml(assets) {
  return `<form id="backfill-form">
    <label>Asset<select name="asset">${assets.map((a) => `<option>${esc(a)}</option>`).join('')}</select></label>
    <label>From partition<input name="from" required placeholder="2024-01-01"></label>
    <label>To partition<input name="to" required placeholder="2024-01-07"></label>
    <label><span><input type="checkbox" name="downstream"> and downstream</span></label>
    <button>Launch backfill</button><span id="backfill-result"></span></form>`;
}

function wireBackfillForm() {
  document.getElementById('backfill-form').onsubmit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const out = document.getElementById('backfill-result');
    try {
      const launched = await api('/api/backfills', { method: 'POST', body: JSON.stringify({ asset: form.get('asset'), from: form.get('from'), to: form.get('to'), downstream: form.get('downstream') === 'on' }) });
      out.innerHTML = `launched <a href="#/backfills">${esc(launched.backfillId)}</a> (${launched.assetPartitions.length} asset partitions)`;
      out.dataset.backfill = launched.backfillId;
    } catch (error) {
      out.innerHTML = `<span class="error">${esc(error.message)}</span>`;
    }
  };
}

async function backfillsPage() {
  const { assets } = await api('/api/assets');
  const partitioned = assets.filter((a) => a.partitions && a.kind === 'materializable').map((a) => a.key);
  view.innerHTML = `<h1>Backfills</h1><p id="error" class="error"></p>${partitioned.length ? backfillFormHtml(partitioned) : '<p class="muted">No partitioned asset to backfill.</p>'}
    <h2>Progress</h2><table id="backfills"><thead><tr><th>Backfill</th><th>Range</th><th>Status</th><th>Progress</th><th>Per asset</th><th>Requested</th></tr></thead><tbody></tbody></table>`;
  if (partitioned.length) wireBackfillForm();
  await poll(async () => {
    const { backfills } = await api('/api/backfills');
    document.querySelector('#backfills tbody').innerHTML =
      backfills.length === 0
        ? '<tr><td colspan="6" class="muted">No backfill yet.</td></tr>'
        : backfills
            .map((b) => `<tr class="backfill" data-id="${esc(b.backfillId)}" data-status="${esc(b.status)}"><td>${esc(b.backfillId)}</td><td>${esc(b.asset)} ${esc(b.from)} → ${esc(b.to)}${b.downstream ? ' + downstream' : ''}</td>
              <td class="status">${esc(b.status)}</td><td><span class="progress"><div style="width:${b.total ? (100 * b.done) / b.total : 0}%"></div></span> ${b.done}/${b.total}${b.failed ? ` <span class="error">${b.failed} failed</span>` : ''}</td>
              <td>${b.assets.map((a) => `${esc(a.asset)} ${a.done}/${a.total}`).join(', ')}</td><td>${when(b.requestedAt)}</td></tr>`)
            .join('');
  });
}

// ---------- routing ----------

async function route() {
  clearTimeout(timer);
  renderToken++;
  const hash = location.hash.replace(/^#\/?/, '');
  const [page, ...rest] = hash.split('/');
  const arg = decodeURIComponent(rest.join('/'));
  try {
    if (page === 'asset' && arg) await assetPage(arg);
    else if (page === 'runs' && arg) await runPage(arg);
    else if (page === 'runs') await runsPage();
    else if (page === 'backfills') await backfillsPage();
    else await graphPage();
  } catch (error) {
    view.innerHTML = `<p class="error">${esc(error.message)}</p>`;
  }
}

setInterval(() => (document.getElementById('clock').textContent = new Date().toISOString().slice(0, 19).replace('T', ' ') + 'Z'), 1000);
window.addEventListener('hashchange', route);
route();
