/**
 * `GET /api/v1/docs`: the OpenAPI document as one self-contained HTML page for people (no script, no
 * outside resource: the machines it is read on may have no internet). Everything from the document is
 * escaped.
 */

type Json = Record<string, unknown>;

interface Parameter {
  name?: string;
  in?: string;
  required?: boolean;
  description?: string;
  schema?: unknown;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
  security?: unknown[];
  'x-access'?: unknown;
  'x-roles'?: unknown;
}

export interface OpenApiLike {
  info?: { title?: string; version?: string };
  paths?: Record<string, Record<string, unknown>>;
}

/** Who may call an operation, when the document does not say (e.g. from the route table). */
export type AccessOf = (method: string, path: string) => string | undefined;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const pretty = (schema: unknown) => `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
const anchor = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

function schemaType(schema: unknown): string {
  const s = (schema ?? {}) as Json;
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (typeof s.type === 'string') return typeof s.format === 'string' ? `${s.type} (${s.format})` : s.type;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  return '';
}

function access(method: string, path: string, op: Operation, accessOf?: AccessOf): string | undefined {
  const declared = op['x-access'] ?? op['x-roles'];
  if (Array.isArray(declared)) return declared.join(', ');
  if (typeof declared === 'string') return declared;
  const known = accessOf?.(method, path);
  if (known) return known;
  if (Array.isArray(op.security) && op.security.length === 0) return 'public';
  return undefined;
}

function parametersTable(params: Parameter[]): string {
  if (params.length === 0) return '';
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name ?? '')}</code></td><td>${escapeHtml(p.in ?? '')}</td>` +
        `<td>${p.required ? 'yes' : 'no'}</td><td>${escapeHtml(schemaType(p.schema))}</td>` +
        `<td>${escapeHtml(p.description ?? (p.schema as Json | undefined)?.description ?? '')}</td></tr>`,
    )
    .join('');
  return (
    '<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>required</th><th>type</th>' +
    `<th>description</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

function contentBlocks(content: Record<string, { schema?: unknown }> | undefined): string {
  return Object.entries(content ?? {})
    .map(
      ([type, c]) =>
        `<details><summary>${escapeHtml(type)} schema</summary>${pretty(c.schema ?? {})}</details>`,
    )
    .join('');
}

function operation(method: string, path: string, op: Operation, accessOf?: AccessOf): string {
  const who = access(method, path, op, accessOf);
  const body = op.requestBody?.content
    ? Object.entries(op.requestBody.content)
        .map(([type, c]) => `<h4>Request body (${escapeHtml(type)})</h4>${pretty(c.schema ?? {})}`)
        .join('')
    : '';
  const responses = Object.entries(op.responses ?? {})
    .map(
      ([status, r]) =>
        `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(r.description ?? '')}${contentBlocks(r.content)}</li>`,
    )
    .join('');
  return `
<section class="op" id="${escapeHtml(anchor(`${method} ${path}`))}">
  <h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
  ${op.summary ? `<p>${escapeHtml(op.summary)}</p>` : ''}
  ${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}
  ${who ? `<p class="access">Access: ${escapeHtml(who)}</p>` : ''}
  ${parametersTable(op.parameters ?? [])}
  ${body}
  ${responses ? `<h4>Responses</h4><ul>${responses}</ul>` : ''}
</section>`;
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#1d2430}
h1{margin-bottom:0}h2{border-bottom:2px solid #d5dbe3;margin-top:2.5rem}
.op{border:1px solid #d5dbe3;border-radius:6px;padding:.25rem 1rem;margin:1rem 0}
.op h3{font-size:1rem}.method{display:inline-block;min-width:4.5rem;text-align:center;border-radius:4px;
color:#fff;padding:.1rem .4rem;font-family:monospace}.get{background:#2f6fb0}.post{background:#2e8b57}
.put{background:#b8860b}.patch{background:#8a5cb8}.delete{background:#b03a2e}
.access{color:#5a6472}table{border-collapse:collapse}td,th{border:1px solid #d5dbe3;padding:.2rem .5rem;
text-align:left;vertical-align:top}pre{background:#f5f7fa;padding:.5rem;overflow:auto;max-height:30rem}
nav ul{columns:3}`;

/** Renders the page: operations grouped by tag (in order of first appearance), each with its details. */
export function renderDocsPage(doc: OpenApiLike, accessOf?: AccessOf): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      const list = byTag.get(tag) ?? [];
      list.push(operation(method, path, op, accessOf));
      byTag.set(tag, list);
    }
  }
  const title = doc.info?.title ?? 'API';
  const nav = [...byTag.keys()]
    .map((tag) => `<li><a href="#tag-${escapeHtml(anchor(tag))}">${escapeHtml(tag)}</a></li>`)
    .join('');
  const sections = [...byTag]
    .map(([tag, ops]) => `<h2 id="tag-${escapeHtml(anchor(tag))}">${escapeHtml(tag)}</h2>${ops.join('')}`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Version ${escapeHtml(doc.info?.version ?? '')}. Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
Authenticated operations take <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<nav><ul>${nav}</ul></nav>
${sections}
</body>
</html>
`;
}
