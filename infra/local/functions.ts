import type { Context } from 'aws-lambda';

/** Every Lambda of the product and its module; CDK bundles the same entries. */
export const FUNCTION_ENTRIES = {
  portal: 'functions/portal.ts',
  approvals: 'functions/approvals.ts',
  'support-api': 'functions/support-api.ts',
  'product-api': 'functions/product-api.ts',
  'admin-api': 'functions/admin-api.ts',
  expire: 'functions/expire.ts',
  stream: 'functions/stream.ts',
  webhooks: 'functions/webhooks.ts',
  sweep: 'functions/sweep.ts',
  'mail-feedback': 'functions/mail-feedback.ts',
  'staff-token': 'functions/staff-token.ts',
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;
export type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** Loads a handler module the way Lambda does: once, after the environment is set. */
export async function loadHandler(name: FunctionName): Promise<Handler> {
  const module = (await import(`../../${FUNCTION_ENTRIES[name].replace(/\.ts$/, '')}`)) as { handler: Handler };
  return module.handler;
}
