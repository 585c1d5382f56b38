/** Renders the OpenAPI document as one self-contained HTML page (no external assets: it works offline). */

const escape = (s: string): string => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

interface Operation {
  readonly summary?: string;
  readonly security?: readonly unknown[];
  readonly parameters?: ReadonlyArray<{ readonly name: string; readonly in: string; readonly required?: boolean; readonly description?: string }>;
  readonly requestBody?: { readonly content: Record<string, { readonly schema: unknown }> };
  readonly responses: Record<string, { readonly description: string }>;
}

interface Document {
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly components: { readonly schemas: Record<string, unknown> };
  readonly paths: Record<string, Record<string, Operation>>;
}

const block = (value: unknown) => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;

export const renderReference = (doc: Document): string => {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const params = (op.parameters ?? []).map((p) => `<li><code>${escape(p.name)}</code> (${escape(p.in)}${p.required ? ', required' : ''})${p.description ? ` — ${escape(p.description)}` : ''}</li>`).join('');
      const body = op.requestBody ? `<h4>Body</h4>${Object.values(op.requestBody.content).map((c) => block(c.schema)).join('')}` : '';
      const responses = Object.entries(op.responses).map(([code, r]) => `<li><code>${escape(code)}</code> ${escape(r.description)}</li>`).join('');
      return `<section id="${escape(`${method}-${path}`)}"><h3><span class="m">${escape(method.toUpperCase())}</span> <code>${escape(path)}</code>${op.security ? ' <span class="lock">token</span>' : ''}</h3>
<p>${escape(op.summary ?? '')}</p>${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}${body}<h4>Responses</h4><ul>${responses}</ul></section>`;
    }),
  );
  const schemas = Object.entries(doc.components.schemas).map(([name, schema]) => `<section id="schema-${escape(name)}"><h3>${escape(name)}</h3>${block(schema)}</section>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}pre{background:#f5f5f5;padding:.75rem;overflow:auto;font-size:13px}
section{border-top:1px solid #ddd;padding:.5rem 0}.m{background:#234;color:#fff;padding:0 .4rem;border-radius:3px;font-size:13px}.lock{font-size:12px;color:#a50}</style></head>
<body><h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1><p>${escape(doc.info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Authorization header: the token from <code>POST /login</code>, with or without <code>Bearer </code>.</p>
<h2>Endpoints</h2>${operations.join('\n')}<h2>Schemas</h2>${schemas.join('\n')}</body></html>`;
};
