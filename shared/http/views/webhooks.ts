import { EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES } from '../../domain/webhook-events';
import type { WebhookDelivery, WebhookEndpoint } from '../../ports/webhooks';
import { html, type SafeHtml } from '../html';
import { checked, csrfField, described, errorSummary, fieldError, groupDescribed, timeElement } from './form-parts';
import { layout, type PageUser } from './layout';

const FLASH: Record<string, string> = {
  saved: 'Webhook saved.',
  deleted: 'Webhook deleted. Nothing more is sent to it.',
  test: 'Test event queued. It appears in the delivery log below within seconds.',
  redeliver: 'Redelivery queued. It appears in the delivery log below within seconds.',
};

const KIND_TEXT = {
  standard: 'Standard Webhooks — the event as JSON, signed (for a SIEM, ticketing, or your own code)',
  slack: 'Slack — the same events as Slack messages (an incoming-webhook URL)',
} as const;

function eventChoices(errors: Record<string, string>, chosen: Set<string>): SafeHtml {
  return html`<fieldset id="events"${groupDescribed(errors, 'events')}><legend>Events to send</legend>
${fieldError(errors, 'events')}
${WEBHOOK_EVENT_TYPES.map((t) => html`<label class="choice"><input type="checkbox" name="events" value="${t}"${checked(chosen.has(t))}><span><code>${t}</code><span class="hint">${EVENT_DESCRIPTIONS[t]}</span></span></label>`)}
</fieldset>`;
}

const status = (e: WebhookEndpoint) => (e.enabled ? 'On' : e.disabledReason ? `Off — turned off by Support Access: ${e.disabledReason}` : 'Off');

export interface WebhooksModel {
  endpoints: WebhookEndpoint[];
  values?: Record<string, string>;
  errors: Record<string, string>;
  formError?: string;
  flash?: string;
}

/** The org's webhooks and the form that adds one (admins). */
export function webhooksPage(user: PageUser, model: WebhooksModel): string {
  const v = model.values ?? {};
  const e = model.errors;
  const chosen = new Set((v.events ?? WEBHOOK_EVENT_TYPES.join(',')).split(',').filter(Boolean));
  const kind = v.kind ?? 'standard';
  return layout(
    'Webhooks',
    html`<p><a href="/settings">← Remote access settings</a></p><h1>Webhooks</h1>
${model.flash && FLASH[model.flash] ? html`<p class="notice" role="status">${FLASH[model.flash]}</p>` : ''}
<p>Send access events — grants, sessions, requests, support activity — to your SIEM, Slack or ticketing as they happen. Each is signed with the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> scheme, retried for 24 hours, and in order for each grant.</p>
${model.endpoints.length
  ? html`<table id="endpoints" class="stack"><thead><tr><th>URL</th><th>Format</th><th>Events</th><th>Status</th></tr></thead><tbody>
${model.endpoints.map((x) => html`<tr><td data-label="URL"><a href="/settings/webhooks/${x.endpointId}">${x.url}</a></td><td data-label="Format">${x.kind}</td><td data-label="Events">${x.events.length === WEBHOOK_EVENT_TYPES.length ? 'All' : String(x.events.length)}</td><td data-label="Status">${status(x)}</td></tr>`)}
</tbody></table>`
  : html`<p class="muted">No webhooks yet.</p>`}
${errorSummary(e, model.formError)}
<form class="card" method="post" action="/settings/webhooks" novalidate>${csrfField(user.csrf)}
<h2>Add a webhook</h2>
<label for="url">URL <span class="hint" id="url-hint">Where events are posted, https:// only.</span></label>
${fieldError(e, 'url')}<input id="url" name="url" type="url" size="50" autocomplete="off" value="${v.url ?? ''}"${described(e, 'url', true)}>
<fieldset id="kind"${groupDescribed(e, 'kind')}><legend>Format</legend>${fieldError(e, 'kind')}
${(Object.keys(KIND_TEXT) as (keyof typeof KIND_TEXT)[]).map((k) => html`<label class="choice"><input type="radio" name="kind" value="${k}"${checked(kind === k)}><span>${KIND_TEXT[k]}</span></label>`)}
</fieldset>
${eventChoices(e, chosen)}
<p><button type="submit" class="primary">Add webhook</button></p></form>`,
    user,
  );
}

export interface EndpointModel {
  endpoint: WebhookEndpoint;
  deliveries: WebhookDelivery[];
  /** Right after it was added: the signing secret, shown this once. */
  secret?: string;
  errors: Record<string, string>;
  formError?: string;
  flash?: string;
}

function lastAttempt(d: WebhookDelivery): SafeHtml | string {
  const a = d.attempts.at(-1);
  if (!a) return '—';
  return html`${a.statusCode !== undefined ? `HTTP ${a.statusCode}` : a.error ?? ''} · ${String(a.ms)} ms${a.responseBody ? html`<details><summary>Answer</summary><pre>${a.responseBody}</pre></details>` : ''}`;
}

/** One webhook: its secret (once), its settings, "send test event", and its delivery log with "redeliver". */
export function endpointPage(user: PageUser, model: EndpointModel): string {
  const x = model.endpoint;
  const e = model.errors;
  const base = `/settings/webhooks/${x.endpointId}`;
  return layout(
    'Webhook',
    html`<p><a href="/settings/webhooks">← Webhooks</a></p><h1>Webhook</h1>
${model.flash && FLASH[model.flash] ? html`<p class="notice" role="status">${FLASH[model.flash]}</p>` : ''}
${model.secret
  ? html`<div class="card" id="secret" role="status"><h2>Signing secret</h2><p>Copy it now into your receiver: it is shown only this once. Verify each request's <code>webhook-signature</code> with it (any Standard Webhooks library).</p><p><code id="webhook-secret" class="secret">${model.secret}</code></p></div>`
  : ''}
<dl><dt>URL</dt><dd><code>${x.url}</code></dd><dt>Format</dt><dd>${KIND_TEXT[x.kind]}</dd><dt>Secret</dt><dd>ends in <code>${x.secretHint}</code></dd><dt>Status</dt><dd id="endpoint-status">${status(x)}</dd><dt>Added</dt><dd>${timeElement(x.createdAt)} by ${x.createdBy}</dd></dl>
${errorSummary(e, model.formError)}
<form class="card" method="post" action="${base}" novalidate>${csrfField(user.csrf)}
<h2>Settings</h2>
<label class="choice"><input type="checkbox" name="enabled"${checked(x.enabled)}><span>On<span class="hint">When off, events are not sent here (a test event still is).</span></span></label>
${eventChoices(e, new Set(x.events))}
<p><button type="submit" class="primary">Save</button></p></form>
<form class="inline" method="post" action="${base}/test">${csrfField(user.csrf)}<button type="submit">Send test event</button></form>
<details class="inline"><summary>Delete webhook</summary><form method="post" action="${base}/delete">${csrfField(user.csrf)}<p>Nothing more is sent to ${x.url}; deliveries on their way are dropped.</p><button type="submit" class="danger">Yes, delete this webhook</button></form></details>
<h2>Delivery log</h2>
${model.deliveries.length
  ? html`<table id="deliveries" class="stack"><thead><tr><th>Event</th><th>Status</th><th>Attempts</th><th>Last answer</th><th><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${model.deliveries.map(
  (d) => html`<tr><td data-label="Event"><code>${d.event.type}</code><br><span class="muted">${timeElement(d.event.time)} · <code>${d.event.id}</code></span></td>
<td data-label="Status">${d.status}${d.nextAttemptAt && d.status === 'retrying' ? html`<br><span class="muted">next try ${timeElement(d.nextAttemptAt)}</span>` : ''}${d.note ? html`<br><span class="muted">${d.note}</span>` : ''}</td>
<td data-label="Attempts">${String(d.attemptCount)}</td><td data-label="Last answer">${lastAttempt(d)}</td>
<td><form class="inline" method="post" action="${base}/redeliver">${csrfField(user.csrf)}<input type="hidden" name="deliveryId" value="${d.deliveryId}"><button type="submit">Redeliver</button></form></td></tr>`,
)}
</tbody></table>`
  : html`<p class="muted">Nothing sent yet. Send a test event to try the receiver.</p>`}`,
    user,
  );
}
