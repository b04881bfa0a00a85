import { auditCsv, parseAuditFilter, readAudit, verifyAudit } from '../../shared/domain/audit-trail';
import { ValidationError } from '../../shared/domain/errors';
import type { GrantDeps } from '../../shared/domain/grant-service';
import type { ExportStore } from '../../shared/ports/export-store';
import { htmlPage as page, redirect, type PortalSessions } from '../../shared/http/portal-session';
import type { RouteHandler, RouteKey } from '../../shared/http/routes';
import { auditPage } from '../../shared/http/views/audit';

export type AuditRouteKey = Extract<RouteKey<'portal'>, `${string} /audit${string}`>;

/** Well under Lambda's 6 MB response, headers and encoding included. */
const EXPORT_INLINE_MAX_BYTES = 4 * 1024 * 1024;

/** Where a CSV export too large to answer inline goes, and from how many rows. */
export interface AuditExports {
  store: ExportStore;
  inlineRows: number;
}

/** The portal's audit trail pages: filtered and paged, exported as CSV, its chain verified. */
export function auditRoutes(sessions: PortalSessions, deps: GrantDeps, exports: AuditExports): Record<AuditRouteKey, RouteHandler> {
  return {
    /** The audit trail, filtered and paged; a bad filter shows the form with the field's error. */
    'GET /audit': async (event) => {
      const who = await sessions.visitor(event);
      const values = event.queryStringParameters ?? {};
      try {
        const filter = parseAuditFilter(values);
        return page(200, auditPage(who.page, { page: await readAudit(deps, who.user, filter), values: values as Record<string, string>, errors: {} }));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return page(400, auditPage(who.page, { page: { rows: [], total: 0, page: 1, pages: 1 }, values: values as Record<string, string>, errors: { [error.field]: error.message } }));
      }
    },

    /**
     * Every row of the filter as CSV, not just the page shown. Up to the stage's row limit (and
     * 4 MB) it is the answer itself; a larger one — Lambda answers at most 6 MB — goes to the
     * archive and the browser is sent a download link that works for five minutes.
     */
    'GET /audit/export.csv': async (event) => {
      const who = await sessions.visitor(event);
      const { rows } = await readAudit(deps, who.user, parseAuditFilter(event.queryStringParameters ?? {}), true);
      const csv = auditCsv(rows);
      const filename = `audit-${who.org.orgId}.csv`;
      if (rows.length > exports.inlineRows || Buffer.byteLength(csv) > EXPORT_INLINE_MAX_BYTES) {
        const key = `exports/${who.org.orgId}/${deps.clock.now().toISOString().replace(/[:.]/g, '-')}-${deps.ids()}.csv`;
        return redirect(await exports.store.save(key, csv, filename));
      }
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' },
        body: csv,
      };
    },

    /** Recomputes the whole chain (admins) and says whether it is intact or where it breaks. */
    'GET /audit/verify': async (event) => {
      const who = await sessions.visitor(event);
      const verified = await verifyAudit(deps, who.user);
      const filter = parseAuditFilter({});
      return page(200, auditPage(who.page, { page: await readAudit(deps, who.user, filter), values: {}, errors: {}, verified }));
    },
  };
}
