/** Slack's mrkdwn escaping lives in src/messages/slack-mrkdwn.ts, shared with the webhooks' Slack preset: one copy. */
export * from '../../messages/slack-mrkdwn';
