// The emulator's web console: plain browser JavaScript, no build step. It reads the same v2/v3 API
// the clients use (signed with a TC-Token or an HMAC pair kept in this tab's sessionStorage).

const $ = (sel) => document.querySelector(sel);
const KEY = 'tcbatch-console-credentials';
const POLL_MS = 1000;
let creds = null;
let items = [];
let selected = null;
const jobPhases = new Map();

/** An element with attributes and children (strings become text nodes, never HTML). */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'onclick') e.addEventListener('click', v);
    else if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

async function authHeaders(method, target) {
  if (creds.token) return { Authorization: `TC-Token ${creds.token}` };
  const ts = String(Math.floor(Date.now() / 1000));
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(creds.secretKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(`${target}:${method}:${ts}`)));
  return { Authorization: `TC ${creds.accessId}:${btoa(String.fromCharCode(...mac))}`, Timestamp: ts };
}

/** GET an API path (relative to /api); resolves with { status, json, text }. */
async function get(path) {
  const target = `/api${path}`;
  const res = await fetch(target, { headers: await authHeaders('GET', target) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

const q = (s) => encodeURIComponent(s);
const time = (iso) => (iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');
const span = (a, b) => (a && b ? `${((Date.parse(b) - Date.parse(a)) / 1000).toFixed(1)} s` : '');

// ---- sign in -------------------------------------------------------------------------------

async function signIn(c) {
  creds = c;
  const r = await get('/v2/owners/mine');
  if (r.status !== 200) {
    creds = null;
    $('#signin-error').textContent = r.json?.message ?? `The API answered ${r.status}`;
    return;
  }
  sessionStorage.setItem(KEY, JSON.stringify(c));
  $('#who').textContent = `${c.token ? 'token' : c.accessId} · own owner ${r.json.data.owner.name}`;
  $('#signin').hidden = true;
  $('#app').hidden = false;
  await loadOwners(r.json.data.owner.name);
  await pollJobs();
  setInterval(pollJobs, POLL_MS);
}

$('#signin-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const token = $('#token').value.trim();
  void signIn(token ? { token } : { accessId: $('#access-id').value.trim(), secretKey: $('#secret-key').value });
});

// ---- batch jobs ----------------------------------------------------------------------------

async function pollJobs() {
  const r = await get('/emulator/batch');
  if (r.status !== 200) return;
  const body = $('#jobs tbody');
  body.replaceChildren(
    ...r.json.data.batch.map((j) => {
      const c = j.counts ?? { successCount: 0, errorCount: 0, unprocessCount: 0 };
      return el(
        'tr',
        { 'data-id': j.id, 'data-status': j.status, onclick: () => showErrors(j) },
        el('td', {}, j.id),
        el('td', {}, j.owner),
        el('td', {}, el('span', { class: `status ${j.status}` }, j.status), j.uploaded ? '' : ' (no data)'),
        el('td', { class: 'num success' }, c.successCount),
        el('td', { class: 'num errors' }, c.errorCount),
        el('td', { class: 'num unprocessed' }, c.unprocessCount),
        el('td', {}, time(j.createdAt)),
        el('td', {}, span(j.uploadedAt, j.startedAt)),
        el('td', {}, span(j.startedAt, j.completedAt)),
      );
    }),
  );
  $('#jobs-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  let finished = false;
  for (const j of r.json.data.batch) {
    if (jobPhases.has(j.id) && jobPhases.get(j.id) !== 'Completed' && j.status === 'Completed') finished = true;
    if (!jobPhases.has(j.id) && j.status === 'Completed') finished = finished || jobPhases.size > 0;
    jobPhases.set(j.id, j.status);
  }
  if (finished) await loadItems();
}

async function showErrors(job) {
  const box = $('#job-errors');
  if (job.status !== 'Completed' || !job.counts || job.counts.errorCount === 0) {
    box.replaceChildren(el('p', { class: 'muted' }, `Job ${job.id}: ${job.status === 'Completed' ? 'no error records' : job.status}`));
    return;
  }
  const r = await get(`/v2/batch/${job.id}/results`);
  const rows = Array.isArray(r.json) ? r.json : [];
  box.replaceChildren(
    el('h3', {}, `Error records of job ${job.id}`),
    el(
      'table',
      { id: 'error-records' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Code'), el('th', {}, 'Severity'), el('th', {}, 'Reason'), el('th', {}, 'Message'))),
      el('tbody', {}, rows.map((e) => el('tr', {}, el('td', {}, e.code), el('td', {}, e.severity), el('td', {}, e.errorReason), el('td', {}, e.errorMessage)))),
    ),
  );
}

// ---- owners, items -------------------------------------------------------------------------

async function loadOwners(own) {
  const r = await get('/v2/owners');
  const select = $('#owner');
  select.replaceChildren(...r.json.data.owner.map((o) => el('option', { value: o.name }, `${o.name} (${o.type})`)));
  select.value = own;
  select.onchange = () => void loadItems();
  $('#type').onchange = renderItems;
  $('#search').oninput = renderItems;
  await loadItems();
}

async function pages(kind, owner) {
  const out = [];
  let path = `/v3/${kind}?owner=${q(owner)}&resultLimit=10000`;
  while (path) {
    const r = await get(path);
    if (r.status !== 200) break;
    out.push(...r.json.data.map((x) => ({ ...x, kind: kind === 'groups' ? 'group' : 'indicator' })));
    path = r.json.next ? r.json.next.replace(/^\/api/, '') : '';
  }
  return out;
}

async function loadItems() {
  const owner = $('#owner').value;
  items = [...(await pages('groups', owner)), ...(await pages('indicators', owner))];
  const types = [...new Set(items.map((i) => i.type))].sort();
  const type = $('#type');
  const keep = type.value;
  type.replaceChildren(el('option', { value: '' }, 'all types'), ...types.map((t) => el('option', { value: t }, t)));
  type.value = types.includes(keep) ? keep : '';
  renderItems();
  if (selected) {
    const again = items.find((i) => i.kind === selected.kind && i.id === selected.id);
    if (again) showItem(again);
  }
}

const label = (i) => (i.kind === 'group' ? i.name : i.summary);

function renderItems() {
  const type = $('#type').value;
  const needle = $('#search').value.trim().toLowerCase();
  const shown = items.filter(
    (i) => (!type || i.type === type) && (!needle || [i.summary, i.name, i.xid].some((v) => typeof v === 'string' && v.toLowerCase().includes(needle))),
  );
  const groups = items.filter((i) => i.kind === 'group').length;
  $('#counts').replaceChildren(
    el('span', { 'data-groups': groups }, `${groups} groups`),
    ' · ',
    el('span', { 'data-indicators': items.length - groups }, `${items.length - groups} indicators`),
    shown.length === items.length ? '' : ` · ${shown.length} shown`,
  );
  $('#items').replaceChildren(
    ...shown.map((i) =>
      el(
        'li',
        { 'data-kind': i.kind, 'data-id': i.id, class: selected && selected.kind === i.kind && selected.id === i.id ? 'selected' : undefined, onclick: () => showItem(i) },
        el('span', { class: 'kind' }, i.type),
        label(i),
      ),
    ),
  );
}

const SUBLISTS = new Set(['attributes', 'tags', 'securityLabels', 'associatedGroups', 'associatedIndicators', 'kind']);

function openRef(kind, id) {
  const it = items.find((i) => i.kind === kind && i.id === id);
  if (it) showItem(it);
}

async function showItem(i) {
  selected = { kind: i.kind, id: i.id };
  renderItems();
  const d = $('#detail');
  const fields = Object.entries(i).filter(([k, v]) => !SUBLISTS.has(k) && k !== 'fileOccurrence' && (typeof v !== 'object' || v === null));
  const parts = [
    el('h3', { class: 'title' }, `${i.type}: ${label(i)}`),
    el('dl', {}, fields.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { 'data-field': k }, String(v))])),
    el('h3', {}, 'Attributes'),
    i.attributes.data.length === 0
      ? el('p', { class: 'muted' }, 'none')
      : el('table', { class: 'attributes' }, el('tbody', {}, i.attributes.data.map((a) => el('tr', {}, el('td', {}, a.type), el('td', {}, a.value))))),
    el('h3', {}, 'Tags'),
    el('div', { class: 'chips tags' }, i.tags.data.length ? i.tags.data.map((t) => el('span', {}, t.name)) : el('em', { class: 'muted' }, 'none')),
    el('h3', {}, 'Security labels'),
    el('div', { class: 'chips labels' }, i.securityLabels.data.length ? i.securityLabels.data.map((t) => el('span', {}, t.name)) : el('em', { class: 'muted' }, 'none')),
    el('h3', {}, 'Associated groups'),
    el('ul', { class: 'assoc-groups' }, i.associatedGroups.data.map((g) => el('li', {}, el('a', { onclick: () => openRef('group', g.id) }, `${g.type}: ${g.name}`), ` (${g.xid})`))),
    el('h3', {}, 'Associated indicators'),
    el(
      'ul',
      { class: 'assoc-indicators' },
      i.associatedIndicators.data.map((x) => el('li', {}, el('a', { onclick: () => openRef('indicator', x.id) }, `${x.type}: ${x.summary}`), x.associationType ? ` (${x.associationType})` : '')),
    ),
  ];
  if (Array.isArray(i.fileOccurrence)) {
    parts.push(
      el('h3', {}, 'File occurrences'),
      el('table', { class: 'occurrences' }, el('tbody', {}, i.fileOccurrence.map((o) => el('tr', {}, el('td', {}, o.fileName ?? ''), el('td', {}, o.path ?? ''), el('td', {}, o.date ?? ''))))),
    );
  }
  d.replaceChildren(...parts);
  if (i.kind === 'group' && typeof i.fileSize === 'number') {
    const r = await get(`/v3/groups/${i.id}/download`);
    if (selected && selected.id === i.id && selected.kind === 'group') d.append(el('h3', {}, `Content (${i.fileSize} bytes)`), el('pre', { class: 'content' }, r.text.slice(0, 20000)));
  }
}

// ---- start ---------------------------------------------------------------------------------

const saved = sessionStorage.getItem(KEY);
if (saved) void signIn(JSON.parse(saved));
