import { html, raw, type SafeHtml } from '../html';

const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
.skip{position:absolute;left:-999px;top:0;background:#fff;color:#1d2433;padding:.5rem 1rem;z-index:2}.skip:focus{left:.5rem}
header{background:#1d2433;color:#fff;padding:.75rem 1.5rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a{color:#fff}header .who{margin-left:auto;overflow-wrap:anywhere}
header button{color:#fff;background:transparent;border:1px solid #aab3c5;border-radius:4px;padding:.2rem .6rem}
main{max-width:60rem;margin:1.5rem auto;padding:0 1.5rem}
:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
h2 .action{font-size:1rem;font-weight:400;margin-left:1rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #dde1e8;vertical-align:top}
.card{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:1rem 1.5rem;margin:1rem 0}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}input,select,textarea{font:inherit;padding:.35rem;border:1px solid #5b6475;border-radius:4px}
input,select,textarea{max-width:100%;box-sizing:border-box}code{overflow-wrap:anywhere}
.filters{display:flex;flex-wrap:wrap;gap:0 1.5rem;align-items:flex-end}
dl.raw{margin:.5rem 0;font-size:.9rem}dl.raw dt{font-weight:600}dl.raw dd{margin:0 0 .25rem 0}
input[aria-invalid=true],select[aria-invalid=true],textarea[aria-invalid=true]{border:2px solid #a4161a}
fieldset{border:0;padding:0;margin:1rem 0}legend{font-weight:600}
.choice{display:flex;gap:.5rem;align-items:baseline;font-weight:400;margin:.35rem 0}.choice input{margin:0}
.hint{display:block;color:#5b6475;font-weight:400;font-size:.95rem}
.reveal{margin:.25rem 0 .5rem 1.75rem;padding-left:1rem;border-left:4px solid #dde1e8}
.conditional .reveal{display:none}.conditional:has(input[data-reveals]:checked) .reveal{display:block}
.error{color:#a4161a}.notice{background:#e7f5ec;border:1px solid #9bd3ae;padding:.5rem 1rem;border-radius:6px}
.warning{background:#fff4e5;border:1px solid #e0a340;padding:.5rem 1rem;border-radius:6px}
.error-summary{border:3px solid #a4161a;background:#fff;padding:.75rem 1.25rem;margin:1rem 0}.error-summary h2{margin:.25rem 0;font-size:1.2rem}
.error-summary a{color:#a4161a;font-weight:600}
.field-error{color:#a4161a;display:block;margin-top:.25rem;font-weight:600}
button,.button{font:inherit;cursor:pointer;border-radius:4px;padding:.4rem .9rem;border:1px solid #5b6475;background:#fff;color:#1d2433;text-decoration:none;display:inline-block}
.primary{background:#0b6b3a;border-color:#0b6b3a;color:#fff}.danger{background:#a4161a;border-color:#a4161a;color:#fff}
details>summary{cursor:pointer;color:#1a4fa0;text-decoration:underline}details[open]{margin:.25rem 0}
.row-actions{display:flex;flex-wrap:wrap;gap:.25rem 1rem}.row-actions form{margin:.25rem 0}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.inline{display:inline}.muted{color:#5b6475}
.banner{background:#fff4e5;border:1px solid #e0a340;padding:.5rem 1rem;border-radius:6px}
@media (max-width:40rem){header{padding:.75rem 1rem}header .who{margin-left:0;flex-basis:100%}main{padding:0 1rem}
table.stack thead{position:absolute;left:-9999px}table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:auto}
table.stack tr{border:1px solid #dde1e8;border-radius:6px;margin:.75rem 0;background:#fff}table.stack td{border:0;padding:.25rem .75rem}
table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:600}table:not(.stack){display:block;overflow-x:auto}}
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
<title>${title} · Support Access</title><style>${raw(STYLE)}</style><script src="/assets/portal.js" defer></script></head>
<body><a class="skip" href="#main">Skip to main content</a><header><strong>Support Access</strong>${
    user
      ? html`<span>${user.orgName}</span><a href="/">Dashboard</a><a href="/cases">Cases</a><a href="/audit">Audit</a>${user.role === 'admin' ? html`<a href="/settings">Settings</a>` : ''}<span class="who">${user.name} (${user.email})</span>
<form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="${user.csrf}"><button type="submit">Sign out</button></form>
<form class="inline" method="post" action="/sign-out-everywhere"><input type="hidden" name="csrf" value="${user.csrf}"><button type="submit">Sign out everywhere</button></form>`
      : ''
  }</header>
<main id="main" tabindex="-1">${user?.impersonatedBy ? html`<p class="banner" role="note" id="impersonation-banner">Support (${user.impersonatedBy}) is signed in as ${user.name} through login access: pages can be read, but only ${user.name} in person can change access.</p>` : ''}${body}</main></body></html>`.toString();
}
