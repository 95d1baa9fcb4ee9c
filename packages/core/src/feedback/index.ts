// The public face of feedback/: tokens (VERP return paths, unsubscribe), the inbound MX's RCPT
// decision, the readers and the classifier. The helpers they share stay internal.
export { CURRENT_TOKEN_VERSION, TOKEN_KEY_LABELS, deriveFeedbackKeys, deriveTokenKey, type TokenKey, type TokenPurpose } from './token-keys.ts';
export { TOKEN_LENGTH, issueToken, verifyToken, type TokenCheck, type TokenRefusal, type TokenSubject } from './signed-token.ts';
export { VERP_LABEL, readVerpAddress, verpAddress, type VerpCheck } from './verp-address.ts';
export { returnPathFor, verpKeyOf } from './return-path.ts';
export {
  UNSUBSCRIBE_LABEL,
  listUnsubscribeHeaders,
  readUnsubscribeAddress,
  readUnsubscribeToken,
  unsubscribeMailbox,
  unsubscribeToken,
  unsubscribeUrl,
  type UnsubscribeCheck,
} from './unsubscribe-token.ts';
export { UNSUBSCRIBE_PATH, unsubscribeHeaderLines, unsubscribeKey, unsubscribeUrlBase, type UnsubscribeLinkSettings } from './unsubscribe-link.ts';
export { recognizeInboundAddress, type InboundAddress, type InboundAddressRules } from './inbound-address.ts';
export { MAX_NOTIFICATION_BYTES, readNotificationMessage, type MimePart, type NotificationMessage } from './mime-parts.ts';
export type { OriginalHeaders } from './original-message.ts';
export type { TypedValue } from './report-values.ts';
export { DSN_ACTIONS, dsnFromMessage, parseDsn, type DsnAction, type DsnRecipient, type DsnReport, type DsnResult } from './parse-dsn.ts';
export { FEEDBACK_TYPES, arfFromMessage, parseArf, type ArfResult, type ComplaintReport } from './parse-arf.ts';
export { detectAutoReply, type AutoReplyCheck } from './detect-auto-reply.ts';
export { looksLikeBounce, readTextBounce, type TextBounce, type TextBounceRecipient, type TextBounceResult } from './parse-text-bounce.ts';
export { classifyMessage, classifyNotification, type Notification, type NotificationSummary } from './read-notification.ts';
export { attributeReport, type Attribution, type IssuedRecipient, type ReportedAddress } from './attribute-report.ts';
export * from './unsubscribe-recipient.ts';
export { findIssuedMessage, issuedSubjectExists, type IssuedMessage } from './issued-delivery.ts';
export { receiveNotification, type InboundRecipient, type ReceiveDeps, type ReceivedMail, type ReceiveResult, type ReportKind } from './receive-notification.ts';
export { isReturnPathDomain } from './return-path-domains.ts';
export { findFeedbackReport, type FeedbackReportView } from './report-queries.ts';
