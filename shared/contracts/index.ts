import * as z from 'zod/mini';
import type { RouteKey } from '../http/routes';
import { contract, type Contract } from './contract';
import { ADMIN_CONTRACTS } from './admin-api';
import { PRODUCT_CONTRACTS } from './product-api';
import { SUPPORT_CONTRACTS } from './support-api';

/** The JSON APIs' routes: every one has a contract (the type makes a route without one fail to compile). */
export type ApiRouteKey = RouteKey<'support-api' | 'product-api' | 'admin-api'>;

export const CONTRACTS = {
  ...SUPPORT_CONTRACTS,
  ...PRODUCT_CONTRACTS,
  ...ADMIN_CONTRACTS,
  'GET /openapi.json': contract(() => ({
    summary: 'This API description (OpenAPI 3.1)',
    security: 'public',
    responses: () => ({ 200: { description: 'The OpenAPI document', schema: z.looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }) } }),
    problems: [],
    example: { status: 200, response: { openapi: '3.1.0', info: { title: 'Support Access', version: '1' }, paths: {} } },
  })),
} satisfies Record<ApiRouteKey, Contract>;

export type { Contract };
