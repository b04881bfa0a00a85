import { html } from '../html';
import { layout, type PageUser } from './layout';

/** A page that only says something: errors, refusals, "signed out". */
export function messagePage(title: string, message: string, user?: PageUser): string {
  return layout(title, html`<h1>${title}</h1><p class="message">${message}</p><p><a href="/">Back to the dashboard</a></p>`, user);
}
