import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

const managedRule = (name: string, priority: number): CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
});

/**
 * AWS WAF in front of the sign-in pages (the Cognito pools the stack creates): AWS's common and
 * known-bad-input rules, and a per-IP rate limit. HTTP APIs cannot carry a web ACL themselves;
 * their own throttling is set on the API stage.
 */
export class WebFirewall extends Construct {
  readonly acl: CfnWebACL;

  constructor(scope: Construct, id: string, props: { protect: string[]; requestsPer5MinutesPerIp?: number }) {
    super(scope, id);
    this.acl = new CfnWebACL(this, 'Acl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'support-access', sampledRequestsEnabled: true },
      rules: [
        managedRule('AWSManagedRulesCommonRuleSet', 1),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 2),
        {
          name: 'RatePerIp',
          priority: 3,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.requestsPer5MinutesPerIp ?? 1000, aggregateKeyType: 'IP' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'RatePerIp', sampledRequestsEnabled: true },
        },
      ],
    });
    props.protect.forEach((resourceArn, i) => new CfnWebACLAssociation(this, `Association${i}`, { resourceArn, webAclArn: this.acl.attrArn }));
  }
}
