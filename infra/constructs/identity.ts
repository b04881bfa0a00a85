import { Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolOperation,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';
import type { IssuerConfig } from '../config/stage-config';

/** What an API protected by this issuer requires of access tokens (the staff issuer). */
export interface AccessTokenSpec {
  /** `<resource server>/<scope>`: the pool gets the resource server, the client may request the scope. */
  scope: string;
  /** The pre-token-generation trigger (V2) that adds claims to access tokens. */
  trigger: IFunction;
}

/**
 * An OIDC issuer for one kind of user: the configured one, or a Cognito user pool created here
 * (hosted sign-in, authorization code + PKCE, a public client; for staff, access tokens with the
 * API's scope and the claims the trigger adds).
 */
export class Issuer extends Construct {
  readonly url: string;
  readonly clientId: string;
  /** The pool, when this construct created it. */
  readonly pool?: UserPool;

  constructor(scope: Construct, id: string, props: { configured?: IssuerConfig; domainPrefix: string; callbackUrls: string[]; requireMfa: boolean; threatProtection?: boolean; accessTokens?: AccessTokenSpec }) {
    super(scope, id);
    if (props.configured) {
      this.url = props.configured.url;
      this.clientId = props.configured.clientId;
      return;
    }
    const pool = (this.pool = new UserPool(this, 'Pool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: { minLength: 12, requireSymbols: true, requireDigits: true, requireLowercase: true, requireUppercase: true },
      mfa: props.requireMfa ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Access-token customization (the V2 trigger) needs Essentials at least.
      featurePlan: props.threatProtection ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(props.threatProtection ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
    }));
    acknowledge(pool, {
      ...(props.threatProtection ? {} : { 'AwsSolutions-COG8': 'The Plus feature plan (threat protection) is billed per user; it is switched on by stage config (staffThreatProtection, README), and `waf` puts AWS WAF in front of sign-in.' }),
      ...(props.requireMfa ? {} : { 'AwsSolutions-COG2': "Customer users may enrol TOTP MFA but are not forced to; a vendor whose customers need enforced MFA points `customerIssuer` at their own IdP." }),
    });
    pool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    const scopes = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE];
    let server: UserPoolResourceServer | undefined;
    if (props.accessTokens) {
      const [identifier, scopeName] = props.accessTokens.scope.split('/') as [string, string];
      server = pool.addResourceServer('Api', { identifier, scopes: [new ResourceServerScope({ scopeName, scopeDescription: 'Call the support API as an agent' })] });
      // The literal scope string, the same one the API's routes require.
      scopes.push(OAuthScope.custom(props.accessTokens.scope));
      pool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, props.accessTokens.trigger, LambdaVersion.V2_0);
    }
    const client: UserPoolClient = pool.addClient('Client', {
      generateSecret: false,
      oAuth: { flows: { authorizationCodeGrant: true }, scopes, callbackUrls: props.callbackUrls },
    });
    if (server) client.node.addDependency(server);
    this.url = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${pool.userPoolId}`;
    this.clientId = client.userPoolClientId;
  }
}
