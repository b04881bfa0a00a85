import { CorsHttpMethod, DomainName, HttpApi, HttpMethod, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';
import type { CustomDomainConfig } from '../config/stage-config';
import { ROUTES, type HttpFunctionName } from '../../shared/http/routes';

export interface SupportHttpApiProps {
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
  customDomain?: CustomDomainConfig;
}

/** One access log line per request: who called what and how it went, no bodies (personal data). */
const ACCESS_LOG = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    routeKey: '$context.routeKey',
    status: '$context.status',
    latencyMs: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    iamCaller: '$context.identity.userArn',
  }),
);

/** Why a route has no API Gateway authorizer: the function authenticates the caller itself. */
const OWN_AUTHENTICATION: Record<HttpFunctionName, string> = {
  portal: "Customer pages: the portal checks its signed session cookie (set after OIDC sign-in) on every request; the sign-in routes themselves must be reachable signed out.",
  approvals: 'Emailed approval links: the page requires the portal session (OIDC sign-in) and a single-use 256-bit token; only a CSRF-checked POST decides.',
  'product-api': "JWKS is public by design (RFC 7517); introspection and activity authenticate the org's product credentials (HTTP Basic, RFC 7662 §2.1) in the function.",
  'support-api': 'Never: support routes use the staff JWT authorizer.',
  'admin-api': 'Never: admin routes use IAM authorization.',
};

/**
 * The HTTP API: every route of the shared table; staff routes behind the JWT authorizer, admin
 * routes behind IAM. One `$default` stage with throttling and access logs, and the custom
 * domain when the stage config names one.
 */
export class SupportHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** Where the portal and the APIs are reached. */
  readonly url: string;
  readonly domain?: DomainName;

  constructor(scope: Construct, id: string, props: SupportHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Support Access: portal, support API, product API and admin API',
      createDefaultStage: false,
      corsPreflight: { allowMethods: [CorsHttpMethod.GET], allowOrigins: ['*'], allowHeaders: ['authorization'] },
    });
    if (props.customDomain) {
      this.domain = new DomainName(this, 'Domain', {
        domainName: props.customDomain.name,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
      });
    }
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(new LogGroup(this, 'AccessLogs', { retention: props.logRetention })), format: ACCESS_LOG },
      ...(this.domain ? { domainMapping: { domainName: this.domain } } : {}),
    });
    this.url = props.customDomain ? `https://${props.customDomain.name}` : this.api.apiEndpoint;
  }

  /**
   * Adds the routes once the functions and the staff issuer exist: staff routes require a token
   * for the staff client carrying the staff scopes (so an ID token is refused).
   */
  addRoutes(functions: Record<HttpFunctionName, IFunction>, staff: { issuer: string; audience: string; scopes: string[] }): void {
    const authorizers = {
      none: undefined,
      'staff-jwt': new HttpJwtAuthorizer('StaffJwt', staff.issuer, { jwtAudience: [staff.audience] }),
      iam: new HttpIamAuthorizer(),
    };
    const integrations = new Map<HttpFunctionName, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.fn}-integration`, functions[route.fn]);
        integrations.set(route.fn, integration);
      }
      const [added] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: authorizers[route.auth],
        ...(route.auth === 'staff-jwt' ? { authorizationScopes: staff.scopes } : {}),
      });
      if (route.auth === 'none') acknowledge(added!, { 'AwsSolutions-APIG4': OWN_AUTHENTICATION[route.fn] });
    }
  }

  /** The ARNs of the routes of one authorization kind, for an IAM policy that may invoke them. */
  routeArns(auth: 'iam'): string[] {
    return ROUTES.filter((r) => r.auth === auth).map((r) => this.api.arnForExecuteApi(r.method, r.path.replace(/\{[^}]+\}/g, '*'), '$default'));
  }
}
