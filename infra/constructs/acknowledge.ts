import { CfnResource, Validations } from 'aws-cdk-lib';
import { rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings on a construct and everything under it, each with the reason it
 * is right here. Rule ids may name one finding: `AwsSolutions-IAM5[Resource::*]`.
 */
export function acknowledge(scope: IConstruct, reasons: Record<string, string>): void {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Acknowledges wildcard findings (AwsSolutions-IAM5) under a scope that match a pattern, once the
 * policies are complete. cdk-nag names each finding after the resolved resource, with tokens
 * written as <LogicalId.Arn>; matching the shape keeps this independent of logical ids and env.
 */
export function acknowledgeWildcards(scope: IConstruct, wildcards: { finding: RegExp; reason: string }[]): void {
  for (const node of scope.node.findAll()) {
    if (!(node instanceof CfnResource)) continue;
    const findings = rules.iam.IAMNoWildcardPermissions(node);
    if (!Array.isArray(findings)) continue;
    for (const finding of findings) {
      const known = wildcards.find((w) => w.finding.test(finding));
      if (known) Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: known.reason });
    }
  }
}
