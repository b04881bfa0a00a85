/** oidc-provider ships no types; the local stack uses a small part of it. */
declare module 'oidc-provider';
