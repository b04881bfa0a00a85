import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, TextWidget, TreatMissingData, type IAlarm, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Where the functions' Powertools metrics go (POWERTOOLS_METRICS_NAMESPACE, service dimension). */
export const METRICS_NAMESPACE = 'SupportAccess';
export const METRICS_SERVICE = 'support-access';

export interface OperationsProps {
  stage: string;
  alarmEmail?: string;
  functions: Record<string, LambdaFunction>;
  /** Dead-letter queues: any message in one is a failure a person must look at. */
  deadLetterQueues: Record<string, Queue>;
  api: HttpApi;
  expiryLagAlarmSeconds: number;
}

const FIVE_MINUTES = Duration.minutes(5);

/** A product metric the functions emit through Powertools Metrics. */
export const productMetric = (metricName: string, statistic: string): Metric =>
  new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: METRICS_SERVICE }, statistic, period: FIVE_MINUTES });

/**
 * What the platform admin watches: alarms on dead letters, function errors and throttles, API
 * server errors and expiry lag, all to one topic (emailed to `alarmEmail`), and a dashboard.
 */
export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: IAlarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const key = new Key(this, 'AlarmTopicKey', { description: 'Encrypts the Support Access alarm topic', enableKeyRotation: true });
    // CloudWatch publishes alarms to the encrypted topic.
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', { displayName: `Support Access (${props.stage}) alarms`, masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(`${name}DeadLetters`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }), 1, `${name}: messages in the dead-letter queue; each is a failure after all retries.`);
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarm(`${name}Errors`, fn.metricErrors({ period: FIVE_MINUTES }), 1, `${name}: the function failed (unhandled errors or timeouts).`);
      this.alarm(`${name}Throttles`, fn.metricThrottles({ period: FIVE_MINUTES }), 1, `${name}: invocations were throttled (concurrency limit).`);
    }
    const api5xx = new Metric({ namespace: 'AWS/ApiGateway', metricName: '5xx', dimensionsMap: { ApiId: props.api.apiId }, statistic: 'Sum', period: FIVE_MINUTES });
    this.alarm('Api5xx', api5xx, 5, 'The API answered 5 or more server errors in 5 minutes.');
    this.alarm('ExpiryLag', productMetric('ExpiryLagSeconds', 'Maximum'), props.expiryLagAlarmSeconds, `A grant was marked expired more than ${props.expiryLagAlarmSeconds} s after its expiry (reads deny it on time; the schedule was late).`);
    this.alarm('NoticesFailed', productMetric('NoticesFailed', 'Sum'), 1, 'A notice email could not be sent: a permanent SES refusal marked it failed (audited), or a transient one is being retried.');
    this.alarm('SweepFailures', productMetric('SweepFailures', 'Sum'), 1, 'The sweep could not finish an overdue item (logged with its id); it tries again on its next run.');

    const fnMetrics = (metric: (fn: LambdaFunction) => IMetric) => Object.values(props.functions).map(metric);
    new Dashboard(this, 'Dashboard', {
      dashboardName: `support-access-${props.stage}`,
      widgets: [
        [new TextWidget({ markdown: `# Support Access (${props.stage})\nGrants, expiry, notices, and the health of every function. Alarms go to the alarm topic.`, width: 24, height: 2 })],
        [
          new GraphWidget({ title: 'Grants created / ended', left: [productMetric('GrantsCreated', 'Sum'), productMetric('GrantsEnded', 'Sum')], width: 8 }),
          new GraphWidget({ title: 'Expiry lag (s, max)', left: [productMetric('ExpiryLagSeconds', 'Maximum')], width: 8 }),
          new GraphWidget({ title: 'Notices sent / failed', left: [productMetric('NoticesSent', 'Sum'), productMetric('NoticesFailed', 'Sum')], width: 8 }),
        ],
        [
          new GraphWidget({ title: 'Dead-letter queue depth', left: Object.values(props.deadLetterQueues).map((q) => q.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })), width: 8 }),
          new GraphWidget({ title: 'API requests and errors', left: [new Metric({ namespace: 'AWS/ApiGateway', metricName: 'Count', dimensionsMap: { ApiId: props.api.apiId }, statistic: 'Sum', period: FIVE_MINUTES })], right: [api5xx, new Metric({ namespace: 'AWS/ApiGateway', metricName: '4xx', dimensionsMap: { ApiId: props.api.apiId }, statistic: 'Sum', period: FIVE_MINUTES })], width: 8 }),
          new GraphWidget({ title: 'API latency p99 (ms)', left: [new Metric({ namespace: 'AWS/ApiGateway', metricName: 'Latency', dimensionsMap: { ApiId: props.api.apiId }, statistic: 'p99', period: FIVE_MINUTES })], width: 8 }),
        ],
        [
          new GraphWidget({ title: 'Function errors', left: fnMetrics((fn) => fn.metricErrors({ period: FIVE_MINUTES })), width: 8 }),
          new GraphWidget({ title: 'Function throttles', left: fnMetrics((fn) => fn.metricThrottles({ period: FIVE_MINUTES })), width: 8 }),
          new GraphWidget({ title: 'Function duration p99 (ms)', left: fnMetrics((fn) => fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' })), width: 8 }),
        ],
      ],
    });
  }

  private alarm(id: string, metric: IMetric, threshold: number, description: string): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}

