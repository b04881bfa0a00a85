import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { resolve } from 'node:path';
import { FUNCTION_ENTRIES, type FunctionName } from '../local/functions';
import { acknowledge } from './acknowledge';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './operations';

/** The esbuild settings every function is bundled with (also what `npm run bench` measures). */
export const BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  // The SDK goes into the bundle, tree-shaken: `npm run bench` measured module init at about
  // two thirds of loading the runtime's SDK from node_modules, and the version is the tested one.
  bundleAwsSDK: true,
  // ESM bundles still meet CommonJS dependencies that call require().
  banner: "import { createRequire as __sa_createRequire } from 'module'; const require = __sa_createRequire(import.meta.url);",
};

export interface SupportFunctionProps {
  name: FunctionName;
  /** Only where something must know the name before the function exists. */
  functionName?: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  timeout?: Duration;
  memorySize?: number;
}

/**
 * The house Lambda: Node.js 22 on ARM64, bundled locally by esbuild (no Docker), source maps on,
 * an explicit log group, and helpers that grant and set the environment together.
 */
export class SupportFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SupportFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    super(scope, id, {
      entry: resolve(process.cwd(), FUNCTION_ENTRIES[props.name]),
      handler: 'handler',
      functionName: props.functionName,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: METRICS_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: BUNDLING,
    });
    acknowledge(this, {
      'AwsSolutions-L1': 'Pinned to Node.js 22 on purpose: the code, its dependencies (middy 7, AWS SDK v3) and the local runtime are built and tested on 22.',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]': 'The CDK default for Lambda: only CreateLogGroup, CreateLogStream and PutLogEvents.',
      'AwsSolutions-IAM5[Resource::*]': 'X-Ray tracing: xray:PutTraceSegments and PutTelemetryRecords accept no resource narrower than *.',
    });
  }

  /** Grants access to the table and tells the function its name, in one call. */
  bindTable(table: ITable, access: 'read' | 'readWrite'): this {
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    this.addEnvironment('TABLE_NAME', table.tableName);
    acknowledge(this, {
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]': "The table's customer-managed key, as CDK grants it for reading and writing an encrypted table; that key only.",
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]': "The table's customer-managed key, as CDK grants it for reading and writing an encrypted table; that key only.",
    });
    return this;
  }
}
