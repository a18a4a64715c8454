/**
 * Every platform ice-watch answers on and delivers to, the one declaration of their ids: a
 * subscription, an outbox entry and a command's channel name one of these. What each
 * platform contributes (its sender, listener, settings, doctor checks, wording) is in its
 * folder, listed once in src/platforms/index.ts. `webhook` delivers to HTTPS endpoints (its
 * subscriptions' workspace is `webhook`, their channel an endpoint id): no chat, no commands.
 */
export const PLATFORM_IDS = ['discord', 'slack', 'webhook', 'console'] as const;
export type Platform = (typeof PLATFORM_IDS)[number];
