import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { refusedAddress } from '../domain/webhook-addresses';
import type { PostResult, WebhookSender } from '../ports/webhooks';

/** Resolves a host name to every address it has (node's resolver; a test passes its own). */
export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

const systemResolve: Resolve = (host) => dnsLookup(host, { all: true, verbatim: true });

export interface SenderOptions {
  /** The local stage only: plain http and loopback receivers. */
  allowLocalReceivers: boolean;
  timeoutMs?: number;
  /** How much of an answer is kept. */
  maxBodyBytes?: number;
  resolve?: Resolve;
}

/**
 * Posts webhooks without letting them reach inside the network (SSRF):
 * - https only (http on the local stage);
 * - the host is resolved once, and every address it has must be public (not private, loopback,
 *   link-local with the metadata service, carrier-grade NAT, …, IPv4 and IPv6) — a name that also
 *   resolves inside is refused;
 * - the connection goes to that checked address (a `lookup` that answers it, so TLS still checks
 *   the certificate against the name and no second resolution can rebind it);
 * - redirects are not followed (a 3xx is an answer, and a failure); 5 s for the whole exchange;
 *   only the first 1 KB of the answer is read.
 */
export class SafeWebhookSender implements WebhookSender {
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly resolve: Resolve;

  constructor(private readonly options: SenderOptions) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024;
    this.resolve = options.resolve ?? systemResolve;
  }

  async post(rawUrl: string, body: string, headers: Record<string, string>): Promise<PostResult> {
    const started = Date.now();
    const failed = (error: string): PostResult => ({ body: '', ms: Date.now() - started, error });
    const url = new URL(rawUrl);
    if (url.protocol !== 'https:' && !(this.options.allowLocalReceivers && url.protocol === 'http:')) return failed('refused: the URL is not https');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: { address: string; family: number }[];
    try {
      addresses = await this.resolve(host);
    } catch (error) {
      return failed(`could not resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const refused = addresses.map((a) => ({ a, why: refusedAddress(a.address, this.options.allowLocalReceivers) })).find((r) => r.why);
    if (refused) return failed(`refused: ${host} resolves to ${refused.a.address}, ${refused.why}`);
    const target = addresses[0];
    if (!target) return failed(`could not resolve ${host}`);
    const pinned: LookupFunction = (_name, options, callback) => {
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
      else callback(null, target.address, target.family);
    };
    const options: RequestOptions = {
      method: 'POST',
      host,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinned,
      agent: false,
    };
    return new Promise<PostResult>((resolve) => {
      let settled = false;
      const finish = (result: PostResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        resolve(result);
      };
      const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => finish({ statusCode: response.statusCode, body: Buffer.concat(chunks).toString('utf8').slice(0, this.maxBodyBytes), ms: Date.now() - started });
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk.subarray(0, Math.max(0, this.maxBodyBytes - size)));
          size += chunk.length;
          if (size >= this.maxBodyBytes) done();
        });
        response.on('end', done);
        response.on('error', done);
      });
      const timer = setTimeout(() => finish(failed(`no answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => finish(failed(`could not connect: ${error.code ?? error.message}`)));
      request.end(body);
    });
  }
}
