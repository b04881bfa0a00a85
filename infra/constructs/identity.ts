import { Stack } from 'aws-cdk-lib';
import { AccountRecovery, FeaturePlan, Mfa, OAuthScope, StandardThreatProtectionMode, UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';
import type { IssuerConfig } from '../config/stage-config';

/**
 * An OIDC issuer for one kind of user: the configured one, or a Cognito user pool created here
 * (hosted sign-in, authorization code + PKCE, a public client).
 */
export class Issuer extends Construct {
  readonly url: string;
  readonly clientId: string;
  /** The pool, when this construct created it. */
  readonly pool?: UserPool;

  constructor(scope: Construct, id: string, props: { configured?: IssuerConfig; domainPrefix: string; callbackUrls: string[]; requireMfa: boolean; threatProtection?: boolean }) {
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
      ...(props.threatProtection ? { featurePlan: FeaturePlan.PLUS, standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
    }));
    acknowledge(pool, {
      ...(props.threatProtection ? {} : { 'AwsSolutions-COG8': 'The Plus feature plan (threat protection) is billed per user; it is switched on by stage config (staffThreatProtection, README), and `waf` puts AWS WAF in front of sign-in.' }),
      ...(props.requireMfa ? {} : { 'AwsSolutions-COG2': "Customer users may enrol TOTP MFA but are not forced to; a vendor whose customers need enforced MFA points `customerIssuer` at their own IdP." }),
    });
    pool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    const client: UserPoolClient = pool.addClient('Client', {
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: props.callbackUrls,
      },
    });
    this.url = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${pool.userPoolId}`;
    this.clientId = client.userPoolClientId;
  }
}
