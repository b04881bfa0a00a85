import { join } from 'node:path';
import { localLayout, type LocalLayout } from '../../infra/local/layout';

/** The local stack the integration and browser tests share: test stage, its own ports and data. */
export const TEST_ENV = {
  SA_STAGE: 'test',
  SA_PORT_BASE: process.env.SA_TEST_PORT_BASE ?? '4100',
  SA_DATA_DIR: join(process.cwd(), '.test-data', 'stack'),
  // Tests move the stack's clock instead of waiting for real seconds (test/support/clock.ts).
  SA_CLOCK_CONTROL: 'on',
};

export const testLayout = (): LocalLayout => localLayout({ ...process.env, ...TEST_ENV });
