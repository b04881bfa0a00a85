import { CorsHttpMethod, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ROUTES, type HttpFunctionName } from '../../shared/http/routes';

/** The HTTP API: every route of the shared table, staff routes behind the JWT authorizer. */
export class SupportHttpApi extends Construct {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Support Access: portal, support API and product API',
      corsPreflight: { allowMethods: [CorsHttpMethod.GET], allowOrigins: ['*'], allowHeaders: ['authorization'] },
    });
  }

  /** Adds the routes once the functions and the staff issuer exist. */
  addRoutes(functions: Record<HttpFunctionName, IFunction>, staff: { issuer: string; audience: string }): void {
    const authorizer = new HttpJwtAuthorizer('StaffJwt', staff.issuer, { jwtAudience: [staff.audience] });
    const integrations = new Map<HttpFunctionName, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.fn}-integration`, functions[route.fn]);
        integrations.set(route.fn, integration);
      }
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.auth === 'staff-jwt' ? { authorizer } : {}),
      });
    }
  }
}
