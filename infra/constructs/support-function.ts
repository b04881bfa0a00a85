import { AssetHashType, DockerImage, Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { buildSync, type BuildOptions } from 'esbuild';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FUNCTION_ENTRIES, type FunctionName } from '../local/functions';
import { FUNCTION_PERMISSIONS, TABLE_ACTIONS, tableKeyActionsOf } from '../config/function-permissions';
import { acknowledge } from './acknowledge';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './operations';

/** The esbuild settings every function is bundled with (also what `npm run bench` measures). */
export const BUNDLING = {
  format: 'esm',
  target: 'node22',
  minify: true,
  sourceMap: true,
  // Positions only, not the sources themselves: stack traces still name the .ts file and line,
  // and Node parses a map a quarter the size at every cold start (`npm run bench`: about 5 ms).
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // The SDK goes into the bundle, tree-shaken: `npm run bench` measured module init at about
  // two thirds of loading the runtime's SDK from node_modules, and the version is the tested one.
  bundleAwsSDK: true,
  // What only some routes need (an SDK client, the OIDC client) is imported where it is used
  // (`loadedOnFirstUse`) and split into chunks of its own: a cold start parses only `index.mjs`
  // and what it imports statically. `npm run bench` measured portal init at 0.55× the single file.
  splitting: true,
  // ESM bundles still meet CommonJS dependencies that call require().
  banner: "import { createRequire as __sa_createRequire } from 'module'; const require = __sa_createRequire(import.meta.url);",
} as const;

/**
 * Modules bundled apart, each into one file of its own, and imported by name (`#s3-adapters`):
 * the package's `imports` map, which points at the source for tsx and jest. With code splitting,
 * esbuild places into a function's cold-start chunks the SDK core files every client it can
 * `import()` shares with DynamoDB's — S3's XML protocol, checksums and streams for a route that
 * rarely runs. Bundled apart, that code loads with the module, on first use.
 */
export const ISOLATED_MODULES: Record<string, string> = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { imports: Record<string, string> }).imports;

/** Bundles one function's entry into `outdir`: `index.mjs`, its chunks, and the isolated modules with a `package.json` mapping their names. */
export function bundleFunction(entry: string, outdir: string): void {
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    format: BUNDLING.format,
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    mainFields: [...BUNDLING.mainFields],
    banner: { js: BUNDLING.banner },
    logLevel: 'error',
  };
  buildSync({
    ...common,
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: BUNDLING.splitting,
    external: Object.keys(ISOLATED_MODULES),
  });
  const imports: Record<string, string> = {};
  for (const [name, source] of Object.entries(ISOLATED_MODULES)) {
    const file = `isolated/${name.replace(/^#/, '')}.mjs`;
    buildSync({ ...common, entryPoints: [resolve(source)], outfile: join(outdir, file) });
    imports[name] = `./${file}`;
  }
  writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'module', imports }, null, 2)}\n`);
}

export interface SupportFunctionProps {
  name: FunctionName;
  /** Only where something must know the name before the function exists. */
  functionName?: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  memorySize?: number;
}

/**
 * The house Lambda: Node.js 22 on ARM64, bundled locally by esbuild (no Docker; code splitting,
 * which NodejsFunction cannot do), source maps on, an explicit log group, and helpers that grant
 * and set the environment together.
 */
export class SupportFunction extends LambdaFunction {
  readonly supportName: FunctionName;

  constructor(scope: Construct, id: string, props: SupportFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    const entry = resolve(process.cwd(), FUNCTION_ENTRIES[props.name]);
    super(scope, id, {
      code: Code.fromAsset(resolve(process.cwd(), 'functions'), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never used: esbuild runs here (the image is what CDK falls back to without it).
          image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
          // Part of CDK's asset cache key: without it every function would get the first one's bundle.
          environment: { SUPPORT_ACCESS_ENTRY: FUNCTION_ENTRIES[props.name] },
          local: {
            tryBundle(outputDir: string) {
              bundleFunction(entry, outputDir);
              return true;
            },
          },
        },
      }),
      handler: 'index.handler',
      functionName: props.functionName,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: Duration.seconds(FUNCTION_PERMISSIONS[props.name].timeoutSeconds),
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: METRICS_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        LOG_LEVEL: 'INFO',
        ...props.environment,
      },
    });
    this.supportName = props.name;
    acknowledge(this, {
      'AwsSolutions-L1': 'Pinned to Node.js 22 on purpose: the code, its dependencies (middy 7, AWS SDK v3) and the local runtime are built and tested on 22.',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]': 'The CDK default for Lambda: only CreateLogGroup, CreateLogStream and PutLogEvents.',
      'AwsSolutions-IAM5[Resource::*]': FUNCTION_PERMISSIONS[props.name].streamSource
        ? 'Two actions accept no resource narrower than *: X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords) and dynamodb:ListStreams, which the stream event source mapping needs to find the table stream.'
        : 'X-Ray tracing only: xray:PutTraceSegments and PutTelemetryRecords accept no resource narrower than *.',
    });
  }

  /**
   * Grants exactly the table and key actions `FUNCTION_PERMISSIONS` declares for this function
   * (writes confined to its partitions where it declares them) and tells it the table's name.
   */
  bindTable(table: ITable, key: IKey): this {
    const declared = FUNCTION_PERMISSIONS[this.supportName];
    const tableArns = [table.tableArn, `${table.tableArn}/index/*`];
    this.addToRolePolicy(new PolicyStatement({ actions: [...TABLE_ACTIONS.read], resources: tableArns }));
    if (declared.table.includes('write')) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: [...TABLE_ACTIONS.write],
          resources: [table.tableArn],
          ...(declared.writePartitions ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': declared.writePartitions } } } : {}),
        }),
      );
    }
    if (declared.table.includes('delete')) this.addToRolePolicy(new PolicyStatement({ actions: [...TABLE_ACTIONS.delete], resources: [table.tableArn] }));
    this.addToRolePolicy(new PolicyStatement({ actions: tableKeyActionsOf(declared), resources: [key.keyArn] }));
    this.addEnvironment('TABLE_NAME', table.tableName);
    return this;
  }
}
