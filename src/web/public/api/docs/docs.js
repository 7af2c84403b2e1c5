// The API reference page: renders /api/openapi.json (operations grouped by heading, their
// parameters, request bodies, answers and the shared schemas) with the shared toolkit.
import { $, el, createApi, showError } from '/shared/toolkit.js';

const api = createApi();
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const IN = { path: '路径', query: '查询', header: '请求头', cookie: 'Cookie' };

const refName = (ref) => ref.split('/').pop();
const anchor = (name) => `schema-${name}`;

/** One line about a schema's type and limits: "string · 2–16 · ^[A-Z0-9]{2,16}$". */
function typeText(s) {
  if (!s || typeof s !== 'object') return 'any';
  const parts = [];
  if (s.const !== undefined) parts.push(`= ${JSON.stringify(s.const)}`);
  else if (s.enum) parts.push(s.enum.map((v) => JSON.stringify(v)).join(' | '));
  else if (Array.isArray(s.type)) parts.push(s.type.join(' | '));
  else if (s.type) parts.push(s.type === 'array' ? 'array' : s.type);
  else if (s.anyOf || s.oneOf) parts.push('以下之一（one of）');
  if (s.format) parts.push(s.format);
  const range = (lo, hi) => (lo !== undefined || hi !== undefined ? `${lo ?? ''}–${hi ?? ''}` : null);
  parts.push(range(s.minLength, s.maxLength), range(s.minimum, s.maximum), range(s.minItems, s.maxItems));
  if (s.pattern) parts.push(s.pattern);
  if (s.default !== undefined) parts.push(`默认 ${JSON.stringify(s.default)}`);
  return parts.filter(Boolean).join(' · ') || 'any';
}

/** A schema as a nested list; $refs link to the schema section. */
function schemaView(s, depth = 0) {
  if (!s || typeof s !== 'object') return el('span', { class: 'type', text: 'any' });
  if (s.$ref) return el('a', { href: `#${anchor(refName(s.$ref))}`, class: 'type', text: refName(s.$ref) });
  const items = [];
  if (s.properties) {
    const required = new Set(s.required || []);
    for (const [name, p] of Object.entries(s.properties)) {
      items.push(
        el('li', {}, [
          el('span', { class: 'prop', text: name }),
          required.has(name) ? el('span', { class: 'req', text: ' *', title: '必填（required）' }) : null,
          ' ',
          p && p.$ref ? schemaView(p, depth + 1) : el('span', { class: 'type', text: typeText(p) }),
          p && p.description ? el('div', { class: 'muted', text: p.description }) : null,
          depth < 6 && p && !p.$ref ? nested(p, depth + 1) : null,
        ]),
      );
    }
  }
  const list = items.length ? el('ul', { class: 'schema' }, items) : null;
  return depth === 0 ? el('div', {}, [el('span', { class: 'type', text: typeText(s) }), s.description ? el('div', { class: 'muted', text: s.description }) : null, list, nested(s, depth, true)]) : list;
}

/** What sits inside a schema besides its own properties: array items, alternatives. */
function nested(s, depth, skipProps = false) {
  const parts = [];
  if (!skipProps && s.properties) parts.push(schemaView({ ...s, type: undefined, description: undefined }, depth));
  if (s.items) parts.push(el('div', {}, ['每项（items）：', s.items.$ref ? schemaView(s.items, depth) : el('span', { class: 'type', text: typeText(s.items) }), s.items.$ref ? null : nested(s.items, depth + 1)]));
  for (const alt of s.anyOf || s.oneOf || []) parts.push(el('div', {}, ['或（or）：', alt.$ref ? schemaView(alt, depth) : el('span', { class: 'type', text: typeText(alt) }), alt.$ref ? null : nested(alt, depth + 1)]));
  return parts.length ? el('div', {}, parts) : null;
}

function parametersView(params) {
  if (!params || !params.length) return null;
  return el('table', { class: 'params' }, [
    el('thead', {}, el('tr', {}, ['参数（parameter）', '位置（in）', '类型（type）', '说明'].map((t) => el('th', { text: t })))),
    el(
      'tbody',
      {},
      params.map((p) =>
        el('tr', {}, [
          el('td', {}, [el('span', { class: 'prop', text: p.name }), p.required ? el('span', { class: 'req', text: ' *' }) : null]),
          el('td', { text: IN[p.in] || p.in }),
          el('td', { class: 'type', text: typeText(p.schema) }),
          el('td', { text: p.description || p.schema?.description || '' }),
        ]),
      ),
    ),
  ]);
}

function contentView(content) {
  return Object.entries(content || {}).map(([type, media]) => el('div', {}, [el('span', { class: 'type', text: type }), schemaView(media.schema)]));
}

function accessText(op) {
  if (!op.security || op.security.length === 0) return '无需登录（public）';
  const csrf = op.security.some((s) => 'csrf' in s);
  return csrf ? '需要登录会话 cookie 与 X-CSRF-Token 请求头（session + CSRF）' : '需要登录会话 cookie（session）';
}

function operationView(path, method, op) {
  const id = op.operationId || `${method}-${path}`;
  return el('article', { class: 'card op', id }, [
    el('h3', {}, [el('span', { class: `method ${method}`, text: method.toUpperCase() }), el('span', { class: 'path', text: path })]),
    el('p', { text: op.summary || '' }),
    op.description ? el('p', { class: 'desc muted', text: op.description }) : null,
    el('p', { class: 'access', text: `权限：${accessText(op)}` }),
    op.parameters?.length ? el('h4', { text: '参数（Parameters）' }) : null,
    parametersView(op.parameters),
    op.requestBody ? el('h4', { text: '请求体（Request body）' }) : null,
    op.requestBody ? el('div', {}, contentView(op.requestBody.content)) : null,
    el('h4', { text: '回答（Responses）' }),
    el(
      'ul',
      { class: 'schema' },
      Object.entries(op.responses || {}).map(([status, r]) => el('li', {}, [el('span', { class: 'status', text: status }), ' ', r.description || '', r.content && /^2/.test(status) ? el('div', {}, contentView(r.content)) : null])),
    ),
  ]);
}

function render(doc) {
  $('intro').textContent = doc.info?.description || '';
  const byTag = new Map((doc.tags || []).map((t) => [t.name, { tag: t, ops: [] }]));
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const name = op.tags?.[0] || '其他（Other）';
      if (!byTag.has(name)) byTag.set(name, { tag: { name }, ops: [] });
      byTag.get(name).ops.push([path, method, op]);
    }
  }
  const groups = [...byTag.values()].filter((g) => g.ops.length);
  $('toc').append(el('h2', { text: '目录（Contents）' }), el('ul', {}, groups.map((g, i) => el('li', {}, el('a', { href: `#tag-${i}`, text: `${g.tag.name}（${g.ops.length}）` })))));
  $('operations').append(
    ...groups.map((g, i) =>
      el('section', { id: `tag-${i}`, 'aria-labelledby': `tag-${i}-title` }, [
        el('h2', { id: `tag-${i}-title`, text: g.tag.name }),
        g.tag.description ? el('p', { class: 'muted', text: g.tag.description }) : null,
        ...g.ops.map(([path, method, op]) => operationView(path, method, op)),
      ]),
    ),
  );
  const schemas = Object.entries(doc.components?.schemas || {});
  if (schemas.length) {
    $('schema-list').append(...schemas.map(([name, s]) => el('article', { class: 'card op', id: anchor(name) }, [el('h3', { text: name }), schemaView(s)])));
    $('schemas').hidden = false;
  }
}

api('GET', '/api/openapi.json')
  .then(render)
  .catch((err) => {
    $('intro').textContent = '';
    showError('load-error', err);
  });
