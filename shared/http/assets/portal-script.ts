import { timeLeft } from '../views/dashboard';

/**
 * The portal's one script (served by `GET /assets/portal.js`, same origin, under the CSP): shows
 * each `<time>` in the reader's own time zone (UTC stays in its title) and counts time left down
 * live, with the same `timeLeft` the server renders. Every page works without it.
 */
export const PORTAL_SCRIPT = `(() => {
  const timeLeft = ${timeLeft.toString()};
  const fmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  for (const t of document.querySelectorAll('time[datetime]')) {
    const d = new Date(t.getAttribute('datetime'));
    if (!isNaN(d.getTime())) t.textContent = fmt.format(d);
  }
  const cells = [...document.querySelectorAll('[data-ends]')];
  const tick = () => { for (const c of cells) c.textContent = timeLeft(c.getAttribute('data-ends'), new Date()); };
  if (cells.length) { tick(); setInterval(tick, 1000); }
})();
`;
