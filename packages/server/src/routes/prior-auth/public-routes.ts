/**
 * What CMS-0057-F requires a payer to publish without sign-in: the services that need prior
 * authorization (with the documentation each needs) and the yearly metrics — as JSON and as
 * plain HTML pages. 42 CFR 422.122(b)–(c).
 */
import type { FastifyInstance } from 'fastify';
import { isoDate, type Deps } from '../../deps.ts';
import { publicServiceList } from '../../use-cases/prior-auth/auth-rule-sets.ts';
import { priorAuthReport } from '../../use-cases/prior-auth/prior-auth-metrics.ts';

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2733}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #dde3ea;padding:.4rem .5rem;text-align:left;vertical-align:top}th{background:#f3f6f9}code{font-size:90%}</style></head>
<body><h1>${esc(title)}</h1>${body}</body></html>`;
}

const yearQuery = { type: 'object', properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } } } as const;

export function priorAuthPublicRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/prior-authorization/services.json', { config: { public: true }, schema: { summary: 'Services that need prior authorization (public, CMS-0057-F)' } }, async () => ({
    asOf: isoDate(deps.clock()), services: await publicServiceList(deps, isoDate(deps.clock())),
  }));

  app.get('/prior-authorization/services', { config: { public: true }, schema: { summary: 'Services that need prior authorization, as a page (public)' } }, async (_request, reply) => {
    const list = await publicServiceList(deps, isoDate(deps.clock()));
    const rows = list.map((s) => `<tr><td>${s.codes.map((c) => `<code>${esc(c)}</code>`).join(' ')}</td><td>${esc(s.description)}</td><td>${esc(s.conditions.join('; ') || 'always')}</td>
<td>${s.documentation.length ? `<ul>${s.documentation.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>` : '—'}</td><td>${esc(s.payer)} · ${esc(s.plans)}</td><td>${esc(s.effectiveFrom)}${s.effectiveTo ? ` to ${esc(s.effectiveTo)}` : ''}</td></tr>`).join('\n');
    return reply.type('text/html; charset=utf-8').send(page('Services that need prior authorization', `<p>As of ${esc(isoDate(deps.clock()))}. Also as <a href="services.json">JSON</a>; yearly decision <a href="metrics">metrics</a>.</p>
<table><thead><tr><th>CPT/HCPCS</th><th>Service</th><th>When</th><th>Documentation needed</th><th>Payer · plans</th><th>Effective</th></tr></thead><tbody>${rows || '<tr><td colspan="6">No service needs prior authorization.</td></tr>'}</tbody></table>`));
  });

  app.get<{ Querystring: { year?: number } }>('/prior-authorization/metrics.json', { config: { public: true }, schema: { summary: 'CMS-0057-F prior authorization metrics for a year (public)', querystring: yearQuery } }, async (request) =>
    priorAuthReport(deps, request.query.year ?? deps.clock().getUTCFullYear()),
  );

  app.get<{ Querystring: { year?: number } }>('/prior-authorization/metrics', { config: { public: true }, schema: { summary: 'CMS-0057-F prior authorization metrics, as a page (public)', querystring: yearQuery } }, async (request, reply) => {
    const m = await priorAuthReport(deps, request.query.year ?? deps.clock().getUTCFullYear());
    const h = (x: number | null) => (x === null ? '—' : `${x} h`);
    const row = (label: string, s: typeof m.standard) => `<tr><th>${label}</th><td>${s.requests}</td><td>${s.approvedPct} %</td><td>${s.deniedPct} %</td><td>${s.approvedAfterAppealPct} % (${s.approvedAfterAppeal} of ${s.appealed} appealed)</td><td>${h(s.averageDecisionHours)}</td><td>${h(s.medianDecisionHours)}</td></tr>`;
    return reply.type('text/html; charset=utf-8').send(page(`Prior authorization metrics ${m.year}`, `<p>Determinations made in ${m.year}. Other years: ${m.years.map((y) => `<a href="?year=${y}">${y}</a>`).join(' ') || 'none'}. Also as <a href="metrics.json?year=${m.year}">JSON</a>.</p>
<table><thead><tr><th></th><th>Requests</th><th>Approved</th><th>Denied</th><th>Approved after appeal</th><th>Average time to decision</th><th>Median time to decision</th></tr></thead>
<tbody>${row('Standard', m.standard)}${row('Expedited', m.expedited)}</tbody></table>
<p>Requests approved after an extended review time frame: ${m.extendedAndApprovedPct} % of ${m.requests}.</p>
<p>Approved and denied count each request's initial determination; a denial overturned on appeal counts as denied and as approved after appeal. Times run from receipt to the initial determination.</p>`));
  });
}
