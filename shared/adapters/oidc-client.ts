import { errors, generators, Issuer, type Client } from 'openid-client';
import { ValidationError } from '../domain/errors';

export interface OidcSignInStart {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcIdentity {
  sub: string;
  email: string;
  name?: string;
  /** Set when the identity was itself obtained through "log in as" (RFC 8693 actor claim). */
  actor?: string;
  /** Every claim of the ID token, for stage-mapped profile claims. */
  claims: Record<string, unknown>;
}

/** The portal's OIDC relying party: authorization code + PKCE against the customer issuer. */
export class OidcSignIn {
  private client?: Promise<Client>;

  constructor(
    private readonly issuerUrl: string,
    private readonly clientId: string,
    private readonly redirectUri: string,
  ) {}

  private getClient(): Promise<Client> {
    this.client ??= Issuer.discover(this.issuerUrl).then(
      (issuer) =>
        new issuer.Client({
          client_id: this.clientId,
          token_endpoint_auth_method: 'none',
          redirect_uris: [this.redirectUri],
          response_types: ['code'],
        }),
    );
    this.client.catch(() => (this.client = undefined));
    return this.client;
  }

  async start(): Promise<OidcSignInStart> {
    const client = await this.getClient();
    const codeVerifier = generators.codeVerifier();
    const state = generators.state();
    const nonce = generators.nonce();
    const url = client.authorizationUrl({
      scope: 'openid email profile',
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state, nonce, codeVerifier };
  }

  async finish(query: Record<string, string>, expected: Omit<OidcSignInStart, 'url'>): Promise<OidcIdentity> {
    const client = await this.getClient();
    const tokens = await client
      .callback(this.redirectUri, query, { state: expected.state, nonce: expected.nonce, code_verifier: expected.codeVerifier })
      .catch((error: unknown) => {
        // An answer that does not match this sign-in (state, code, nonce) is the browser's problem: a 400.
        if (error instanceof errors.RPError || error instanceof errors.OPError) {
          throw new ValidationError('code', 'The answer from the identity provider does not match this sign-in. Please sign in again.', 'sign_in_failed');
        }
        throw error;
      });
    const claims = tokens.claims();
    if (typeof claims.email !== 'string' || claims.email_verified === false) {
      throw new Error('The identity provider did not return a verified email.');
    }
    const act = claims.act as { sub?: string } | undefined;
    return { sub: claims.sub, email: claims.email.toLowerCase(), name: claims.name as string | undefined, actor: act?.sub, claims };
  }
}
