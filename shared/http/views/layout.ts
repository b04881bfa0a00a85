import { html, type SafeHtml } from '../html';

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
header{background:#1d2433;color:#fff;padding:.75rem 1.5rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a{color:#fff}header .who{margin-left:auto;overflow-wrap:anywhere}
header button{color:#fff;background:transparent;border:1px solid #aab3c5;border-radius:4px;padding:.2rem .6rem}
@media (max-width:40rem){header{padding:.75rem 1rem}header .who{margin-left:0;flex-basis:100%}main{padding:0 1rem}table{display:block;overflow-x:auto}}
main{max-width:60rem;margin:1.5rem auto;padding:0 1.5rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #dde1e8}
.card{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:1rem 1.5rem;margin:1rem 0}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}input,select{font:inherit;padding:.35rem}
.error{color:#a4161a}.notice{background:#e7f5ec;border:1px solid #9bd3ae;padding:.5rem 1rem;border-radius:6px}
.field-error{color:#a4161a;display:block;margin-top:.25rem}button{font:inherit;cursor:pointer}
.inline{display:inline}.muted{color:#5b6475}
.banner{background:#fff4e5;border:1px solid #e0a340;padding:.5rem 1rem;border-radius:6px}
`;

export interface PageUser {
  name: string;
  email: string;
  orgName: string;
  csrf: string;
  role: 'admin' | 'user';
  /** The agent, when this portal session came through "log in as": every page says so. */
  impersonatedBy?: string;
}

/** The portal's page frame; every page goes through it. */
export function layout(title: string, body: SafeHtml, user?: PageUser): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · Support Access</title><style>${STYLE}</style></head>
<body><header><strong>Support Access</strong>${
    user
      ? html`<span>${user.orgName}</span><a href="/">Dashboard</a><a href="/cases">Cases</a><a href="/audit">Audit</a>${user.role === 'admin' ? html`<a href="/settings">Settings</a>` : ''}<span class="who">${user.name} (${user.email})</span>
<form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="${user.csrf}"><button type="submit">Sign out</button></form>
<form class="inline" method="post" action="/sign-out-everywhere"><input type="hidden" name="csrf" value="${user.csrf}"><button type="submit">Sign out everywhere</button></form>`
      : ''
  }</header>
<main>${user?.impersonatedBy ? html`<p class="banner" role="note" id="impersonation-banner">Support (${user.impersonatedBy}) is signed in as ${user.name} through login access: pages can be read, but only ${user.name} in person can change access.</p>` : ''}${body}</main></body></html>`.toString();
}
