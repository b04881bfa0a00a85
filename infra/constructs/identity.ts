import { Stack } from 'aws-cdk-lib';
import { OAuthScope, UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { IssuerConfig } from '../config/stage-config';

/**
 * An OIDC issuer for one kind of user: the configured one, or a Cognito user pool created here
 * (hosted sign-in, authorization code + PKCE, a public client).
 */
export class Issuer extends Construct {
  readonly url: string;
  readonly clientId: string;

  constructor(scope: Construct, id: string, props: { configured?: IssuerConfig; domainPrefix: string; callbackUrls: string[] }) {
    super(scope, id);
    if (props.configured) {
      this.url = props.configured.url;
      this.clientId = props.configured.clientId;
      return;
    }
    const pool = new UserPool(this, 'Pool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: { minLength: 12, requireSymbols: true, requireDigits: true, requireLowercase: true, requireUppercase: true },
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
