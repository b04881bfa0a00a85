import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/** Time-sortable ids, so ids sort as their items were created. */
export type IdFactory = () => string;

const ulid = monotonicFactory();
export const newId: IdFactory = () => ulid().toLowerCase();

/** 256-bit random token, URL-safe. */
export const randomToken = (): string => randomBytes(32).toString('base64url');
