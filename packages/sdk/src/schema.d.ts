// Generated from openapi/openapi.json by `npm run sdk:write`; do not edit. A test checks it is current.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness */
        get: operations["readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List messages
         * @description Newest first. Pass next_cursor back as cursor for the next page. Filters combine with AND. On a server with a read replica this answer may lag a moment behind the latest writes (something just created may be missing); a single resource read by its id (such as GET /v1/messages/{id}) is always current.
         */
        get: operations["listMessages"];
        put?: never;
        /**
         * Send a message
         * @description Validates the message, stores it with its recipients and first events in one transaction, then queues it for delivery. 202 means the message is committed. Recipients on the suppression list are not sent to: their status is suppressed. With template, the stored template is rendered with the variables first; a template the project does not have answers 404.
         */
        post: operations["sendMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send up to 500 messages at once
         * @description Each message has the fields of POST /v1/messages. If any message is invalid, the 400 lists every invalid message index and field (messages.<index>.<field>) and nothing is stored; otherwise all 500 at most are committed in one transaction before the 202, which lists them in order.
         */
        post: operations["sendBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/raw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a message given as raw MIME
         * @description The RFC 5322 message (base64) and its envelope recipients, read by the same rules as a message submitted over SMTP: one From on a verified domain of the project, X-Herald-* headers for tags, metadata, unsubscribe and templates, line endings normalised, Bcc removed. 202 means the message is committed. The Idempotency-Key header (or an X-Herald-Idempotency-Key header in the message) makes a retry answer with the first message: a retry is the same request when it has the same recipients and Message-ID (a MIME composer builds it again with a new Date and new boundaries), or the same bytes when the message has no Message-ID; anything else under the same key is a 409.
         */
        post: operations["sendRawMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a message
         * @description The message, each recipient's status and last SMTP reply, and its events. Another project's id answers 404.
         */
        get: operations["getMessage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A message's events
         * @description Every event of the message, oldest first: queued or scheduled, each delivery attempt per recipient, and final outcomes. On a server with a read replica this answer may lag a moment behind the latest writes (something just created may be missing); a single resource read by its id (such as GET /v1/messages/{id}) is always current.
         */
        get: operations["listMessageEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{id}/raw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The raw message
         * @description The RFC 5322 message as stored at intake (CRLF line endings, before DKIM signing), as message/rfc822. 404 once retention has removed the content.
         */
        get: operations["getMessageRaw"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{id}/reports/{report_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A notification received about a message
         * @description A delivery status notification, complaint, auto-reply or unsubscribe mail the inbound MX received about the message (an event's report_id names it): what it was read as, a summary, and the raw text until retention removes it. Another project's ids answer 404.
         */
        get: operations["getMessageReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a scheduled message
         * @description Only a message still scheduled (send_at in the future) can be cancelled; once its sending has started the answer is 409 conflict.
         */
        post: operations["cancelMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Statistics
         * @description Per hour or per UTC day over a range: recipients accepted, delivered, deferred, bounced (hard and soft), failed, complained, unsubscribed and suppressed; delivery latency p50/p95; the top bounce reasons and recipient domains. Filter by sending domain and tag. A key limited to some domains must name one of them. On a server with a read replica this answer may lag a moment behind the latest writes (something just created may be missing); a single resource read by its id (such as GET /v1/messages/{id}) is always current.
         */
        get: operations["getStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/suppressions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List suppressed addresses
         * @description Newest first. On a server with a read replica this answer may lag a moment behind the latest writes (something just created may be missing); a single resource read by its id (such as GET /v1/messages/{id}) is always current. An address is suppressed for sending as soon as it is added, listed or not.
         */
        get: operations["listSuppressions"];
        put?: never;
        /**
         * Suppress an address
         * @description Messages to a suppressed address are accepted but not sent: the recipient gets the status suppressed. Adding an address already suppressed answers 200 with the existing entry, unchanged.
         */
        post: operations["createSuppression"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/suppressions/{email}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove an address from the suppression list */
        delete: operations["deleteSuppression"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List sending domains */
        get: operations["listDomains"];
        put?: never;
        /**
         * Add a sending domain
         * @description Generates an RSA-2048 DKIM key (and an Ed25519 one if asked) under a fresh selector, encrypted at rest, and answers with the DNS records to publish. The domain sends once POST /v1/domains/{id}/verify finds its DKIM record.
         */
        post: operations["createDomain"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a sending domain */
        get: operations["getDomain"];
        put?: never;
        post?: never;
        /**
         * Delete a sending domain
         * @description Deletes the domain and its DKIM keys. While messages from it are scheduled, queued or being retried the answer is 409, unless force=true: those messages then fail instead of being sent unsigned.
         */
        delete: operations["deleteDomain"];
        options?: never;
        head?: never;
        /**
         * Change a sending domain
         * @description Changes the settings given; messages already accepted keep what they were accepted with.
         */
        patch: operations["updateDomain"];
        trace?: never;
    };
    "/v1/domains/{id}/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify a sending domain now
         * @description Looks each record up through Herald's resolver and reports, per record, what was found, what was expected, and why it is not right. The domain becomes verified once its DKIM records match; a DKIM rotation waiting for its record completes when the record is found.
         */
        post: operations["verifyDomain"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/domains/{id}/dkim/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate the DKIM keys
         * @description Adds a new key under a new selector for each algorithm the domain signs with. The old keys keep signing until verification finds the new records; then the new keys sign and the old ones stay published for HERALD_DKIM_ROTATION_GRACE before they are retired. No message is ever signed with an unpublished key. 409 while a rotation is already waiting.
         */
        post: operations["rotateDkim"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List API keys
         * @description Every key of the project, newest first, without secrets: prefix, scopes, domains, created, last used, expiry, revocation.
         */
        get: operations["listApiKeys"];
        put?: never;
        /**
         * Create an API key
         * @description Answers with the key once; Herald keeps only its SHA-256 hash.
         */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key
         * @description The key is refused from its next request, on every API process.
         */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}/roll": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace an API key
         * @description Issues a replacement with the same name, scopes, domains and mode (shown once); the old key keeps working for grace_seconds (default a day), then stops.
         */
        post: operations["rollApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List webhook endpoints */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Create a webhook endpoint
         * @description Answers with the signing secret (whsec_…) once; Herald keeps it encrypted. Deliveries are signed per the Standard Webhooks specification.
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a webhook endpoint */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /**
         * Delete a webhook endpoint
         * @description Its pending deliveries are dropped with it.
         */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        /**
         * Change a webhook endpoint
         * @description Enabling an endpoint that Herald disabled clears the disabling; its pending deliveries resume.
         */
        patch: operations["updateWebhook"];
        trace?: never;
    };
    "/v1/webhooks/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate the signing secret
         * @description Answers with the new secret once. For 24 hours every delivery carries two signatures, one per secret, so receivers can switch without losing any.
         */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a test event
         * @description Queues a webhook.test delivery to the endpoint (whatever its subscriptions), signed as any other.
         */
        post: operations["testWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An endpoint's deliveries
         * @description Newest first: status, attempts, the last response code or error, its duration, and the next attempt. On a server with a read replica this answer may lag a moment behind the latest writes (something just created may be missing); a single resource read by its id (such as GET /v1/messages/{id}) is always current.
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries/{delivery_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a delivery again now
         * @description With the same webhook-id, so a receiver that already has it can tell.
         */
        post: operations["retryWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send again every delivery of a time range
         * @description Every delivery to the endpoint created in [since, until), whatever its status, is sent again with its original webhook-id.
         */
        post: operations["replayWebhookDeliveries"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List templates
         * @description Newest first, each with its published version. Pass next_cursor as cursor for the next page.
         */
        get: operations["listTemplates"];
        put?: never;
        /**
         * Create a template or a layout
         * @description Subject, HTML and text are Handlebars templates, validated now: a syntax error is a 400 naming the field, line and column; a field over 512 KB is refused. Version 1 is published. An alias already used in the project answers 409.
         */
        post: operations["createTemplate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/templates/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a template */
        get: operations["getTemplate"];
        put?: never;
        post?: never;
        /**
         * Delete a template
         * @description With all its versions. A layout that templates still name answers 409.
         */
        delete: operations["deleteTemplate"];
        options?: never;
        head?: never;
        /**
         * Change a template
         * @description Any of subject, html, text and sample_variables makes a new immutable version (the latest with those replaced), published unless publish is false. published_version publishes an existing version instead. Messages already accepted keep what they were rendered with.
         */
        patch: operations["updateTemplate"];
        trace?: never;
    };
    "/v1/templates/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a template's versions
         * @description Newest first; versions never change. Pass next_cursor as cursor for the next page.
         */
        get: operations["listTemplateVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/templates/{id}/render": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Render a template without sending
         * @description The subject, HTML (CSS inlined) and text a message would get, rendered exactly as a send renders them. Missing variables answer 400 naming each (unless allow_missing).
         */
        post: operations["renderTemplate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/postmark/email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send an email (Postmark)
         * @description Postmark's POST /email. Tag becomes the message's tag, Metadata its metadata; TrackOpens and TrackLinks are accepted and ignored.
         */
        post: operations["postmarkSendEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/postmark/email/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a batch of emails (Postmark)
         * @description Postmark's POST /email/batch: up to 500 messages, each validated and sent on its own; one result per message, in order.
         */
        post: operations["postmarkSendBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/postmark/email/withTemplate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send an email with a template (Postmark)
         * @description Postmark's POST /email/withTemplate, rendered from a Herald template: TemplateId is the Herald template id (tpl_…), TemplateAlias its alias, TemplateModel its variables (a missing variable prints as nothing, as on Postmark). A template the project does not have: 422 ErrorCode 1101.
         */
        post: operations["postmarkSendEmailWithTemplate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/postmark/email/batchWithTemplates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a batch of emails with templates (Postmark)
         * @description Postmark's POST /email/batchWithTemplates: up to 500 messages in Messages, each rendered from its Herald template and sent on its own; one result per message, in order (ErrorCode 1101 for a template the project does not have).
         */
        post: operations["postmarkSendBatchWithTemplates"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/resend/emails": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send an email (Resend)
         * @description Resend's POST /emails. Tags become metadata; scheduled_at schedules the message; an Idempotency-Key answers a repeat with the first id.
         */
        post: operations["resendSendEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/resend/emails/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a batch of emails (Resend)
         * @description Resend's POST /emails/batch, strict: one invalid email refuses the batch (fields named `<index>.<field>`), and nothing is stored.
         */
        post: operations["resendSendBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/resend/emails/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Retrieve an email (Resend)
         * @description Resend's GET /emails/{id}: addresses, subject, times, the status as last_event, metadata as tags.
         */
        get: operations["resendGetEmail"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/resend/emails/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a scheduled email (Resend)
         * @description Only an email still scheduled can be cancelled; otherwise 409.
         */
        post: operations["resendCancelEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sendgrid/v3/mail/send": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send mail (SendGrid v3)
         * @description SendGrid's POST /v3/mail/send. Each personalization is its own message (its recipients, subject, substitutions, headers, custom_args, send_at); categories become tags, custom_args metadata.
         */
        post: operations["sendgridMailSend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List projects (admin) */
        get: operations["adminListProjects"];
        put?: never;
        /**
         * Create a project (admin)
         * @description Answers with the project and its first API key (full access), shown once.
         */
        post: operations["adminCreateProject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        CreateTemplateRequestInput: {
            /**
             * @description layout: wraps the HTML of the templates that name it
             * @default template
             * @enum {string}
             */
            kind?: "template" | "layout";
            name: string;
            /** @description Unique in the project; sends may name the template by it */
            alias?: string;
            /** @description A layout of the project (kind layout) that wraps this template's HTML */
            layout_id?: string;
            /** @description A Handlebars template, one line (a layout has none) */
            subject?: string;
            /** @description A Handlebars template; at most 512 KB. A layout holds {{{@content}}} once, where the HTML of the templates that name it goes */
            html: string;
            /** @description A Handlebars template; without one, the text part is made from the HTML */
            text?: string;
            /** @description Variables for previews: what POST /v1/templates/{id}/render uses when given none */
            sample_variables?: {
                [key: string]: unknown;
            };
        };
        UpdateTemplateRequestInput: {
            name?: string;
            alias?: string | null;
            layout_id?: string | null;
            /** @description A Handlebars template, one line (a layout has none) */
            subject?: string;
            /** @description A Handlebars template; at most 512 KB. A layout holds {{{@content}}} once, where the HTML of the templates that name it goes */
            html?: string;
            text?: string | null;
            sample_variables?: {
                [key: string]: unknown;
            } | null;
            /** @description Whether the new version made by subject, html, text or sample_variables is published (default true); false keeps it as a draft */
            publish?: boolean;
            /** @description Publishes this existing version (not with new content) */
            published_version?: number;
        };
        RenderTemplateRequestInput: {
            /** @description Default: the published version */
            version?: number;
            /** @description Default: the version's sample_variables */
            variables?: {
                [key: string]: unknown;
            };
            /** @description Print missing variables as nothing instead of answering 400 */
            allow_missing?: boolean;
        };
        SendTemplateInput: {
            /** @description Template id (tpl_…) */
            id?: string;
            alias?: string;
            /** @description Default: the published version */
            version?: number;
            /**
             * @description This message's variables (at most 64 KB as JSON, 10 deep)
             * @default {}
             */
            variables?: {
                [key: string]: unknown;
            };
            /** @description Print missing variables as nothing instead of refusing the message */
            allow_missing?: boolean;
        };
        AttachmentInput: {
            filename: string;
            content: string;
            content_type?: string;
            /** @description Makes the attachment inline: reference it from the HTML as cid:<content_id> */
            content_id?: string;
        };
        SendMessageRequestInput: {
            from: string | {
                email: string;
                name?: string;
            };
            to: (string | {
                email: string;
                name?: string;
            }) | (string | {
                email: string;
                name?: string;
            })[];
            cc?: (string | {
                email: string;
                name?: string;
            }) | (string | {
                email: string;
                name?: string;
            })[];
            bcc?: (string | {
                email: string;
                name?: string;
            }) | (string | {
                email: string;
                name?: string;
            })[];
            reply_to?: (string | {
                email: string;
                name?: string;
            }) | (string | {
                email: string;
                name?: string;
            })[];
            /** @description Required unless template is given */
            subject?: string;
            text?: string;
            html?: string;
            /** @description A stored template rendered with this message's variables into the subject, html and text (which are then not given) */
            template?: components["schemas"]["SendTemplateInput"];
            /** @description Custom headers, name to value. Identity, routing and MIME headers (From, To, Message-ID, Content-Type, …) are refused. */
            headers?: {
                [key: string]: string;
            };
            attachments?: components["schemas"]["AttachmentInput"][];
            tags?: string[];
            /** @description At most 20 string keys and values; returned with the message and its webhooks */
            metadata?: {
                [key: string]: string;
            };
            /**
             * Format: date-time
             * @description Send no earlier than this (at most 30 days ahead); the message is scheduled until then
             */
            send_at?: string;
            /** @description One-click unsubscribe (RFC 8058): each recipient's copy carries List-Unsubscribe and List-Unsubscribe-Post headers, signed with DKIM. Absent: the sending domain's unsubscribe_default. */
            unsubscribe?: boolean;
        };
        SendBatchRequestInput: {
            messages: components["schemas"]["SendMessageRequestInput"][];
        };
        PostmarkSendEmailRequestInput: {
            From: string;
            To: string;
            Cc?: string;
            Bcc?: string;
            /** @description Becomes the message's one tag */
            Tag?: string;
            ReplyTo?: string;
            Metadata?: {
                [key: string]: string;
            };
            Headers?: {
                Name: string;
                Value: string;
            }[];
            Attachments?: {
                Name: string;
                Content: string;
                ContentType?: string;
                /** @description Makes the attachment inline: cid:<ContentID> in the HTML */
                ContentID?: string | null;
                /** @description Accepted and ignored: the length is read from Content */
                ContentLength?: unknown;
            }[];
            /** @description "outbound" (the default) or another stream id, kept as metadata message_stream */
            MessageStream?: string;
            /** @description Accepted and ignored: Herald does not track opens */
            TrackOpens?: unknown;
            /** @description Accepted and ignored: Herald does not rewrite links */
            TrackLinks?: unknown;
            Subject: string;
            HtmlBody?: string;
            TextBody?: string;
            /** @description Accepted and ignored: there are no templates on this endpoint */
            InlineCss?: unknown;
        };
        PostmarkSendEmailWithTemplateRequestInput: {
            From: string;
            To: string;
            Cc?: string;
            Bcc?: string;
            /** @description Becomes the message's one tag */
            Tag?: string;
            ReplyTo?: string;
            Metadata?: {
                [key: string]: string;
            };
            Headers?: {
                Name: string;
                Value: string;
            }[];
            Attachments?: {
                Name: string;
                Content: string;
                ContentType?: string;
                /** @description Makes the attachment inline: cid:<ContentID> in the HTML */
                ContentID?: string | null;
                /** @description Accepted and ignored: the length is read from Content */
                ContentLength?: unknown;
            }[];
            /** @description "outbound" (the default) or another stream id, kept as metadata message_stream */
            MessageStream?: string;
            /** @description Accepted and ignored: Herald does not track opens */
            TrackOpens?: unknown;
            /** @description Accepted and ignored: Herald does not rewrite links */
            TrackLinks?: unknown;
            /** @description A Herald template id (tpl_…); Postmark's numeric ids name no Herald template (ErrorCode 1101) */
            TemplateId?: string | number;
            /** @description A Herald template alias */
            TemplateAlias?: string;
            /** @description The template's variables; a missing one prints as nothing, as on Postmark */
            TemplateModel: {
                [key: string]: unknown;
            };
            /** @description Accepted and ignored: Herald always inlines a template's <style> rules */
            InlineCss?: unknown;
        };
        PostmarkSendBatchWithTemplatesRequestInput: {
            /** @description Each item is a PostmarkSendEmailWithTemplateRequest; each is validated and sent on its own, with its own result */
            Messages: {
                [key: string]: unknown;
            }[];
        };
        ResendSendEmailRequestInput: {
            from: string | {
                email: string;
                name?: string;
            };
            to: (string | {
                email: string;
                name?: string;
            }) | (string | {
                email: string;
                name?: string;
            })[];
            subject: string;
            cc?: (string | {
                email: string;
                name?: string;
            }) | (string | {
                email: string;
                name?: string;
            })[];
            bcc?: (string | {
                email: string;
                name?: string;
            }) | (string | {
                email: string;
                name?: string;
            })[];
            reply_to?: (string | {
                email: string;
                name?: string;
            }) | (string | {
                email: string;
                name?: string;
            })[];
            html?: string;
            text?: string;
            headers?: {
                [key: string]: string;
            };
            attachments?: {
                filename: string;
                content: string;
                content_type?: string;
                /** @description Makes the attachment inline: reference it from the HTML as cid:<content_id> */
                content_id?: string;
                /** @description Not supported: Herald never fetches files or URLs: send the file as base64 content */
                path?: unknown;
            }[];
            /** @description Name/value pairs, stored as the message's metadata (name → value) */
            tags?: {
                name: string;
                value: string;
            }[];
            /** Format: date-time */
            scheduled_at?: string;
            /** @description Not supported: templates are not served by the Resend-compatible endpoint; send html or text */
            template?: unknown;
            /** @description Not supported: topics (Resend audiences) do not exist in Herald */
            topic_id?: unknown;
        };
        ResendBatchRequestInput: components["schemas"]["ResendSendEmailRequestInput"][];
        SendGridMailSendRequestInput: {
            personalizations: {
                to: (string | {
                    email: string;
                    name?: string;
                })[];
                cc?: (string | {
                    email: string;
                    name?: string;
                })[];
                bcc?: (string | {
                    email: string;
                    name?: string;
                })[];
                from?: string | {
                    email: string;
                    name?: string;
                };
                subject?: string;
                headers?: {
                    [key: string]: string;
                };
                /** @description Each key is replaced by its value in the subject and content, for this personalization only */
                substitutions?: {
                    [key: string]: string;
                };
                custom_args?: {
                    [key: string]: string;
                };
                /** @description Unix time in seconds */
                send_at?: number;
                /** @description Not supported: templates are not served by the SendGrid-compatible endpoint; send content */
                dynamic_template_data?: unknown;
            }[];
            from: string | {
                email: string;
                name?: string;
            };
            reply_to?: string | {
                email: string;
                name?: string;
            };
            reply_to_list?: (string | {
                email: string;
                name?: string;
            })[];
            subject?: string;
            content: {
                /** @enum {string} */
                type: "text/plain" | "text/html";
                value: string;
            }[];
            attachments?: {
                content: string;
                filename: string;
                type?: string;
                /** @enum {string} */
                disposition?: "attachment" | "inline";
                /** @description Makes the attachment inline: reference it from the HTML as cid:<content_id> */
                content_id?: string;
            }[];
            categories?: string[];
            custom_args?: {
                [key: string]: string;
            };
            /** @description Unix time in seconds */
            send_at?: number;
            headers?: {
                [key: string]: string;
            };
            /** @description Accepted and ignored: Herald does not track opens or clicks, nor rewrite links */
            tracking_settings?: unknown;
            /** @description Not supported: templates are not served by the SendGrid-compatible endpoint; send content */
            template_id?: unknown;
            /** @description Not supported: templates are not served by the SendGrid-compatible endpoint; send content */
            sections?: unknown;
            /** @description Not supported: unsubscribe groups do not exist in Herald */
            asm?: unknown;
            /** @description Not supported: Herald has no IP pools */
            ip_pool_name?: unknown;
            /** @description Not supported: Herald has no scheduled-send batches: cancel each message (POST /v1/messages/{id}/cancel) */
            batch_id?: unknown;
            /** @description Not supported: sandbox mode, footers and bypass settings are not available; use a test key (hk_test_…) for sandbox sending */
            mail_settings?: unknown;
        };
        CreateProjectRequestInput: {
            name: string;
            /**
             * @description The project's mail goes through the pipeline but reaches nobody
             * @default false
             */
            test_mode?: boolean;
            /**
             * @description Recipients per UTC day; null: HERALD_DAILY_QUOTA; 0: no limit
             * @default null
             */
            daily_quota?: number | null;
        };
        CreateApiKeyRequestInput: {
            name: string;
            /** @description Any of messages:send, messages:read, domains:manage, webhooks:manage, templates:manage, suppressions:manage, keys:manage, or the presets full (all of them) and sending (messages:send) */
            scopes: ("messages:send" | "messages:read" | "domains:manage" | "webhooks:manage" | "templates:manage" | "suppressions:manage" | "keys:manage" | "full" | "sending")[];
            /**
             * @description Limit the key to these sending domains of the project; empty: all
             * @default []
             */
            domains?: string[];
            /** Format: date-time */
            expires_at?: string;
            /**
             * @description test: messages sent with the key go through the pipeline but reach nobody
             * @default live
             * @enum {string}
             */
            mode?: "live" | "test";
        };
        /**
         * @default {
         *       "grace_seconds": 86400
         *     }
         */
        RollApiKeyRequestInput: {
            /**
             * @description How long the old key keeps working (0: it stops at once); at most 30 days
             * @default 86400
             */
            grace_seconds?: number;
        };
        CreateDomainRequestInput: {
            /** @description The domain to send from, e.g. example.com (international names are accepted) */
            name: string;
            /**
             * @description Also sign with an Ed25519 key (RFC 8463): every message then carries two signatures
             * @default false
             */
            ed25519?: boolean;
            /**
             * @description Let addresses at subdomains (news.example.com) send, signed as this domain
             * @default false
             */
            allow_subdomains?: boolean;
        };
        UpdateDomainRequestInput: {
            /** @description Messages from this domain carry one-click unsubscribe headers (RFC 8058) unless a send sets unsubscribe itself */
            unsubscribe_default?: boolean;
        };
        SendRawMessageRequestInput: {
            /** @description The RFC 5322 message, base64. Its From must be on a verified domain of the project; X-Herald-Tags, X-Herald-Metadata-<key>, X-Herald-Unsubscribe and X-Herald-Template work as over SMTP; Bcc and Return-Path are removed; its Message-ID is kept (one is added when missing) */
            raw: string;
            /** @description The envelope recipients (each gets a copy); those not in To or Cc are Bcc recipients */
            recipients: string[];
        };
        CreateSuppressionRequestInput: {
            email: string;
            /**
             * @default manual
             * @enum {string}
             */
            reason?: "manual" | "hard_bounce" | "complaint" | "unsubscribe";
            note?: string;
        };
        CreateWebhookRequestInput: {
            /** @description https:// URL (http:// only with HERALD_WEBHOOK_ALLOW_HTTP); internal addresses are refused */
            url: string;
            /** @description Any of message.queued, message.scheduled, message.delivered, message.deferred, message.bounced, message.failed, message.suppressed, message.complained, message.cancelled, message.delayed, message.unsubscribed, domain.verified, domain.failed */
            events: ("message.queued" | "message.scheduled" | "message.delivered" | "message.deferred" | "message.bounced" | "message.failed" | "message.suppressed" | "message.complained" | "message.cancelled" | "message.delayed" | "message.unsubscribed" | "domain.verified" | "domain.failed")[];
            /** @default true */
            enabled?: boolean;
            description?: string;
        };
        UpdateWebhookRequestInput: {
            url?: string;
            /** @description Any of message.queued, message.scheduled, message.delivered, message.deferred, message.bounced, message.failed, message.suppressed, message.complained, message.cancelled, message.delayed, message.unsubscribed, domain.verified, domain.failed */
            events?: ("message.queued" | "message.scheduled" | "message.delivered" | "message.deferred" | "message.bounced" | "message.failed" | "message.suppressed" | "message.complained" | "message.cancelled" | "message.delayed" | "message.unsubscribed" | "domain.verified" | "domain.failed")[];
            enabled?: boolean;
            description?: string | null;
        };
        ReplayWebhookRequestInput: {
            /**
             * Format: date-time
             * @description Deliveries created at or after this time…
             */
            since: string;
            /**
             * Format: date-time
             * @description …and before this one are sent again
             */
            until: string;
        };
        TemplateVersion: {
            number: number;
            subject: string;
            html: string;
            text: string | null;
            sample_variables: {
                [key: string]: unknown;
            } | null;
            created_at: string;
        };
        Template: {
            id: string;
            /** @enum {string} */
            kind: "template" | "layout";
            name: string;
            alias: string | null;
            layout_id: string | null;
            published_version: number;
            latest_version: number;
            created_at: string;
            updated_at: string;
            /** @description The published version */
            version: components["schemas"]["TemplateVersion"];
        };
        TemplateList: {
            data: components["schemas"]["Template"][];
            next_cursor: string | null;
        };
        TemplateVersionList: {
            data: components["schemas"]["TemplateVersion"][];
            next_cursor: string | null;
        };
        RenderedTemplate: {
            template_id: string;
            version: number;
            subject: string;
            /** @description CSS inlined */
            html: string;
            text: string;
        };
        PostmarkSendEmailResponse: {
            To: string;
            SubmittedAt: string;
            MessageID: string;
            /** @constant */
            ErrorCode: 0;
            /** @constant */
            Message: "OK";
        };
        PostmarkError: {
            ErrorCode: number;
            Message: string;
        };
        PostmarkBatchResponse: (components["schemas"]["PostmarkSendEmailResponse"] | components["schemas"]["PostmarkError"])[];
        AcceptedMessage: {
            /** @description Message id (msg_…) */
            id: string;
            /**
             * @description queued, scheduled (send_at in the future) or suppressed (every recipient suppressed)
             * @enum {string}
             */
            status: "scheduled" | "queued" | "sending" | "deferred" | "delivered" | "partially_delivered" | "bounced" | "failed" | "suppressed" | "cancelled";
            recipients: {
                email: string;
                /** @enum {string} */
                status: "queued" | "deferred" | "delivered" | "bounced" | "failed" | "suppressed" | "complained" | "cancelled";
            }[];
        };
        AcceptedBatch: {
            data: components["schemas"]["AcceptedMessage"][];
        };
        MessageEvent: {
            id: string;
            /** @enum {string} */
            type: "queued" | "scheduled" | "delivered" | "deferred" | "bounced" | "failed" | "suppressed" | "complained" | "cancelled" | "domain_verified" | "domain_failed" | "webhook_disabled" | "delayed" | "unsubscribed" | "auto_reply" | "unrecognized_bounce";
            recipient: string | null;
            created_at: string;
            attempt: number | null;
            smtp: {
                code: number | null;
                enhanced_code: string | null;
                message: string | null;
            } | null;
            /** @description Why a bounce or deferral happened (bad-mailbox, mailbox-full, policy, dns, …) */
            category: string | null;
            mx_host: string | null;
            mx_ip: string | null;
            tls: {
                version: string | null;
                cipher: string | null;
                verified: boolean | null;
            } | null;
            duration_ms: number | null;
            /** @description The DKIM signatures the attempt's copy carried, one per key of the sending domain that signed it; empty for events that are not delivery attempts, or an attempt decided before signing */
            dkim: {
                /** @description d= */
                domain: string;
                /** @description s= */
                selector: string;
                /** @description a=: rsa-sha256 or ed25519-sha256 */
                algorithm: string;
            }[];
            /** @description The notification this event was learned from (a late bounce, a delay, a complaint…): GET /v1/messages/{id}/reports/{report_id} */
            report_id: string | null;
        };
        MessageSummary: {
            id: string;
            /** @enum {string} */
            status: "scheduled" | "queued" | "sending" | "deferred" | "delivered" | "partially_delivered" | "bounced" | "failed" | "suppressed" | "cancelled";
            from: {
                email: string;
                name: string | null;
            };
            subject: string;
            tags: string[];
            metadata: {
                [key: string]: string;
            };
            created_at: string;
            send_at: string | null;
            /** @description Whether each recipient gets one-click unsubscribe headers (asked for, or the domain default when the send did not say) */
            unsubscribe: boolean;
            recipients: {
                email: string;
                /** @enum {string} */
                status: "queued" | "deferred" | "delivered" | "bounced" | "failed" | "suppressed" | "complained" | "cancelled";
            }[];
        };
        Message: {
            id: string;
            /** @enum {string} */
            status: "scheduled" | "queued" | "sending" | "deferred" | "delivered" | "partially_delivered" | "bounced" | "failed" | "suppressed" | "cancelled";
            from: {
                email: string;
                name: string | null;
            };
            subject: string;
            tags: string[];
            metadata: {
                [key: string]: string;
            };
            created_at: string;
            send_at: string | null;
            /** @description Whether each recipient gets one-click unsubscribe headers (asked for, or the domain default when the send did not say) */
            unsubscribe: boolean;
            /** @description The Message-ID header, without angle brackets */
            message_id: string;
            /** @description Size of the raw message in bytes */
            size: number;
            /** @description The template and version the message was rendered from (kept after the template is deleted) */
            template: {
                id: string;
                version: number;
                /** @description The layout that wrapped the HTML and the number of its version used (its published one at the time); null without a layout */
                layout: {
                    id: string;
                    version: number;
                } | null;
            } | null;
            recipients: {
                email: string;
                /** @enum {string} */
                kind: "to" | "cc" | "bcc";
                /** @enum {string} */
                status: "queued" | "deferred" | "delivered" | "bounced" | "failed" | "suppressed" | "complained" | "cancelled";
                attempts: number;
                last_reply: {
                    code: number | null;
                    enhanced_code: string | null;
                    message: string | null;
                } | null;
                next_attempt_at: string | null;
            }[];
            events: components["schemas"]["MessageEvent"][];
        };
        MessageList: {
            data: components["schemas"]["MessageSummary"][];
            /** @description Pass as cursor for the next page; null on the last */
            next_cursor: string | null;
        };
        EventList: {
            data: components["schemas"]["MessageEvent"][];
        };
        ResendCreatedEmail: {
            /** @description Herald message id (msg_…) */
            id: string;
        };
        ResendBatchCreated: {
            data: components["schemas"]["ResendCreatedEmail"][];
        };
        ResendError: {
            statusCode: number;
            name: string;
            message: string;
        };
        ResendCancelledEmail: {
            /** @constant */
            object: "email";
            id: string;
        };
        ResendEmail: {
            /** @constant */
            object: "email";
            id: string;
            message_id: string;
            from: string;
            to: string[];
            cc: string[] | null;
            bcc: string[] | null;
            /** @description Always null: Herald keeps it only in the raw message (GET /v1/messages/{id}/raw) */
            reply_to: string[] | null;
            subject: string;
            /** @description Always null: Herald keeps the content only in the raw message */
            html: string | null;
            /** @description Always null: Herald keeps the content only in the raw message */
            text: string | null;
            created_at: string;
            scheduled_at: string | null;
            last_event: string;
            tags: {
                name: string;
                value: string;
            }[];
        };
        SendGridErrors: {
            errors: {
                message: string;
                field: string | null;
                help: string | null;
            }[];
        };
        Error: {
            error: {
                /** @enum {string} */
                code: "validation_failed" | "bad_request" | "unauthorized" | "insufficient_scope" | "cross_site_request" | "domain_not_verified" | "not_found" | "method_not_allowed" | "request_timeout" | "idempotency_conflict" | "conflict" | "payload_too_large" | "uri_too_long" | "unsupported_media_type" | "expectation_failed" | "rate_limited" | "quota_exceeded" | "header_fields_too_large" | "internal_error" | "service_unavailable";
                message: string;
                details?: {
                    field: string;
                    message: string;
                    /** @description In a template field: the line of the problem, from 1 */
                    line?: number;
                    /** @description In a template field: the column of the problem, from 1 */
                    column?: number;
                }[] | {
                    [key: string]: unknown;
                };
            };
        };
        Project: {
            id: string;
            name: string;
            test_mode: boolean;
            daily_quota: number | null;
            created_at: string;
        };
        ApiKey: {
            id: string;
            name: string;
            /** @description The first characters of the key, to recognise it; the key itself is never shown again */
            prefix: string;
            /** @enum {string} */
            mode: "live" | "test";
            scopes: string[];
            domains: string[];
            created_at: string;
            /** @description Updated at most once a minute */
            last_used_at: string | null;
            expires_at: string | null;
            revoked_at: string | null;
        };
        CreatedApiKey: {
            id: string;
            name: string;
            /** @description The first characters of the key, to recognise it; the key itself is never shown again */
            prefix: string;
            /** @enum {string} */
            mode: "live" | "test";
            scopes: string[];
            domains: string[];
            created_at: string;
            /** @description Updated at most once a minute */
            last_used_at: string | null;
            expires_at: string | null;
            revoked_at: string | null;
            /** @description The key, shown this once: store it now */
            key: string;
        };
        ApiKeyList: {
            data: components["schemas"]["ApiKey"][];
        };
        DnsRecord: {
            /**
             * @description What the record is for; bounce_mx is the bounce host's own MX, published once by whoever runs Herald (not in the domain's zone) and listed for information
             * @enum {string}
             */
            kind: "dkim" | "spf" | "dmarc" | "return_path" | "bounce_mx" | "mta_sts" | "tls_rpt";
            /** @enum {string} */
            type: "TXT" | "CNAME" | "MX";
            host: string;
            value: string;
            purpose: string;
            /** @description Needed for Herald to work as configured (DKIM, and the return path when a bounce host is set); the domain sends once its DKIM records are right, the others are reported */
            required: boolean;
            /** @description The last verification of this record, if any */
            check: {
                ok: boolean;
                /** @description What the DNS answered */
                found: string[];
                /** @description Why it is not right, in words */
                problem: string | null;
                checked_at: string;
            } | null;
        };
        Domain: {
            id: string;
            name: string;
            /**
             * @description pending until verified; failed when a verified domain's DKIM record disappeared or changed
             * @enum {string}
             */
            status: "pending" | "verified" | "failed";
            allow_subdomains: boolean;
            /** @description Messages from this domain carry one-click unsubscribe headers unless a send says otherwise */
            unsubscribe_default: boolean;
            created_at: string;
            verified_at: string | null;
            last_checked_at: string | null;
            dkim_keys: {
                selector: string;
                /** @enum {string} */
                algorithm: "rsa_sha256" | "ed25519_sha256";
                /**
                 * @description pending: waiting for its record; active: signs; retiring: still published, no longer signs
                 * @enum {string}
                 */
                status: "pending" | "active" | "retiring" | "retired";
                created_at: string;
                activated_at: string | null;
                retires_at: string | null;
            }[];
            records: components["schemas"]["DnsRecord"][];
        };
        DomainList: {
            data: components["schemas"]["Domain"][];
        };
        FeedbackReport: {
            id: string;
            message_id: string;
            /**
             * @description What the inbound MX read the notification as
             * @enum {string}
             */
            kind: "dsn" | "complaint" | "auto_reply" | "text_bounce" | "unrecognized" | "unsubscribe";
            received_at: string;
            envelope: {
                /** @description "" for the null sender bounces use */
                mail_from: string;
                rcpt_to: string;
            };
            size: number;
            /** @description The notification as read; null once retention removed its text */
            summary: {
                subject: string | null;
                from: string | null;
                reporting_mta: string | null;
                /** @description The recipients a DSN or text bounce reports on */
                recipients: {
                    address: string;
                    /** @description failed, delayed, delivered, relayed or expanded (RFC 3464); a text bounce: failed, delayed or unknown */
                    action: string | null;
                    /** @description RFC 3463 status code */
                    status: string | null;
                    /** @description The reply the reporting server quotes */
                    diagnostic: string | null;
                    remote_mta: string | null;
                }[];
                /** @description A complaint’s Feedback-Type (abuse, fraud, …) */
                feedback_type: string | null;
                /** @description Why an unrecognized notification was not understood */
                reason: string | null;
            } | null;
            /** @description The notification as received (RFC 5322); null once retention removed it (HERALD_RETENTION_RAW) */
            raw: string | null;
        };
        Suppression: {
            email: string;
            /** @enum {string} */
            reason: "manual" | "hard_bounce" | "complaint" | "unsubscribe";
            note: string | null;
            /** @description The message whose bounce or complaint added it, if any */
            source_message_id: string | null;
            created_at: string;
        };
        SuppressionList: {
            data: components["schemas"]["Suppression"][];
            next_cursor: string | null;
        };
        Stats: {
            from: string;
            to: string;
            /** @enum {string} */
            granularity: "hour" | "day";
            domain: string | null;
            tag: string | null;
            totals: {
                /** @description Recipients accepted (including suppressed ones) */
                accepted: number;
                delivered: number;
                /** @description Deferred attempts (a recipient deferred twice counts twice) */
                deferred: number;
                /** @description Bounces that suppress the address (bad mailbox, DNS) */
                bounced_hard: number;
                /** @description Other bounces (policy, message too large, …) */
                bounced_soft: number;
                /** @description Recipients given up on (expired after retries) */
                failed: number;
                complained: number;
                unsubscribed: number;
                /** @description Recipients accepted but not sent to: on the suppression list */
                suppressed: number;
            };
            /** @description Only periods with activity are listed */
            series: {
                start: string;
                /** @description Recipients accepted (including suppressed ones) */
                accepted: number;
                delivered: number;
                /** @description Deferred attempts (a recipient deferred twice counts twice) */
                deferred: number;
                /** @description Bounces that suppress the address (bad mailbox, DNS) */
                bounced_hard: number;
                /** @description Other bounces (policy, message too large, …) */
                bounced_soft: number;
                /** @description Recipients given up on (expired after retries) */
                failed: number;
                complained: number;
                unsubscribed: number;
                /** @description Recipients accepted but not sent to: on the suppression list */
                suppressed: number;
            }[];
            /** @description Accepted (or send_at) to delivered; from power-of-two buckets, exact to within a bucket */
            latency: {
                delivered: number;
                p50_ms: number | null;
                p95_ms: number | null;
            };
            top_bounce_reasons: {
                category: string;
                enhanced_code: string | null;
                count: number;
                sample_reply: string | null;
            }[];
            top_recipient_domains: {
                domain: string;
                accepted: number;
                delivered: number;
                deferred: number;
                bounced: number;
                /** @description delivered / (delivered + bounced) */
                delivery_rate: number | null;
            }[];
        };
        Webhook: {
            id: string;
            url: string;
            description: string | null;
            events: string[];
            enabled: boolean;
            /** @description Set when Herald disabled the endpoint (410 Gone, or failing for days); enable it again with PATCH */
            disabled_at: string | null;
            disabled_reason: string | null;
            failing_since: string | null;
            /** @description During a secret rotation, until when the old secret also signs */
            previous_secret_expires_at: string | null;
            created_at: string;
        };
        CreatedWebhook: {
            id: string;
            url: string;
            description: string | null;
            events: string[];
            enabled: boolean;
            /** @description Set when Herald disabled the endpoint (410 Gone, or failing for days); enable it again with PATCH */
            disabled_at: string | null;
            disabled_reason: string | null;
            failing_since: string | null;
            /** @description During a secret rotation, until when the old secret also signs */
            previous_secret_expires_at: string | null;
            created_at: string;
            /** @description The signing secret (whsec_…), shown this once */
            secret: string;
        };
        WebhookList: {
            data: components["schemas"]["Webhook"][];
        };
        WebhookDelivery: {
            id: string;
            /** @description The webhook-id header: the same on every attempt and replay */
            event_id: string | null;
            event_type: string;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed" | "abandoned";
            attempts: number;
            response_code: number | null;
            error: string | null;
            duration_ms: number | null;
            next_attempt_at: string | null;
            last_attempt_at: string | null;
            created_at: string;
        };
        WebhookDeliveryList: {
            data: components["schemas"]["WebhookDelivery"][];
            next_cursor: string | null;
        };
        RotatedWebhookSecret: {
            secret: string;
            previous_secret_expires_at: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
        };
    };
    readyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok" | "fail";
                        checks: {
                            [key: string]: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok" | "fail";
                        checks: {
                            [key: string]: string;
                        };
                    };
                };
            };
        };
    };
    listMessages: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                status?: "scheduled" | "queued" | "sending" | "deferred" | "delivered" | "partially_delivered" | "bounced" | "failed" | "suppressed" | "cancelled";
                tag?: string;
                /** @description Messages sent to this address */
                recipient?: string;
                /** @description Messages whose subject contains this text (case-insensitive) */
                subject?: string;
                created_after?: string;
                created_before?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageList"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    sendMessage: {
        parameters: {
            query?: never;
            header?: {
                /** @description Sending the same request again with the same key answers with the first result and sends nothing */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendMessageRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedMessage"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    sendBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description Sending the same request again with the same key answers with the first result and sends nothing */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendBatchRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedBatch"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    sendRawMessage: {
        parameters: {
            query?: never;
            header?: {
                /** @description Sending the same request again with the same key answers with the first result and sends nothing */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendRawMessageRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedMessage"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Message id (msg_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Message"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listMessageEvents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Message id (msg_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventList"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMessageRaw: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Message id (msg_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The message */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "message/rfc822": string;
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "message/rfc822": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "message/rfc822": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "message/rfc822": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "message/rfc822": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "message/rfc822": components["schemas"]["Error"];
                };
            };
        };
    };
    getMessageReport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Message id (msg_…) */
                id: string;
                /** @description Report id (rpt_…), as an event’s report_id gives it */
                report_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeedbackReport"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    cancelMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Message id (msg_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AcceptedMessage"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getStats: {
        parameters: {
            query?: {
                /** @description Start of the range (rounded down to the hour); default: 7 days before `to` */
                from?: string;
                /** @description End of the range, exclusive (rounded up to the hour); default: now */
                to?: string;
                /** @description One point per hour or per UTC day */
                granularity?: "hour" | "day";
                /** @description Only messages sent from this sending domain (its name or id) */
                domain?: string;
                /** @description Only messages with this tag (counts and latency) */
                tag?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stats"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listSuppressions: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                reason?: "manual" | "hard_bounce" | "complaint" | "unsubscribe";
                /** @description Addresses containing this text (case-insensitive) */
                email?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuppressionList"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createSuppression: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSuppressionRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Suppression"];
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Suppression"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteSuppression: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The suppressed address */
                email: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listDomains: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DomainList"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createDomain: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateDomainRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Domain"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getDomain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Domain id (dom_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Domain"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteDomain: {
        parameters: {
            query?: {
                /** @description Delete even while messages from the domain are waiting to be sent (they then fail) */
                force?: "true" | "false";
            };
            header?: never;
            path: {
                /** @description Domain id (dom_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateDomain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Domain id (dom_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateDomainRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Domain"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    verifyDomain: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Domain id (dom_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Domain"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    rotateDkim: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Domain id (dom_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Domain"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKey"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description API key id (key_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    rollApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description API key id (key_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RollApiKeyRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKey"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookList"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhook"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateWebhookRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotatedWebhookSecret"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    testWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
                status?: "pending" | "succeeded" | "failed" | "abandoned";
            };
            header?: never;
            path: {
                /** @description Webhook id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryList"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    retryWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook id (wh_…) */
                id: string;
                /** @description Delivery id (whd_…) */
                delivery_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    replayWebhookDeliveries: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReplayWebhookRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        replayed: number;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listTemplates: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplateList"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTemplateRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Template id (tpl_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Template id (tpl_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Template id (tpl_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTemplateRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Template"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listTemplateVersions: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description Template id (tpl_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TemplateVersionList"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    renderTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Template id (tpl_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RenderTemplateRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RenderedTemplate"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postmarkSendEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PostmarkSendEmailRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkSendEmailResponse"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
        };
    };
    postmarkSendBatch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Each item is a PostmarkSendEmailRequest; each is validated and sent on its own, with its own result */
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                }[];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkBatchResponse"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
        };
    };
    postmarkSendEmailWithTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PostmarkSendEmailWithTemplateRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkSendEmailResponse"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
        };
    };
    postmarkSendBatchWithTemplates: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PostmarkSendBatchWithTemplatesRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkBatchResponse"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostmarkError"];
                };
            };
        };
    };
    resendSendEmail: {
        parameters: {
            query?: never;
            header?: {
                /** @description Sending the same request again with the same key answers with the first result and sends nothing */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResendSendEmailRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendCreatedEmail"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
        };
    };
    resendSendBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description Sending the same request again with the same key answers with the first result and sends nothing */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResendBatchRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendBatchCreated"];
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
        };
    };
    resendGetEmail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Herald message id (msg_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendEmail"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
        };
    };
    resendCancelEmail: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Herald message id (msg_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendCancelledEmail"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResendError"];
                };
            };
        };
    };
    sendgridMailSend: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SendGridMailSendRequestInput"];
            };
        };
        responses: {
            /** @description Empty; X-Message-Id names the first message */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SendGridErrors"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SendGridErrors"];
                };
            };
            /** @description Default Response */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SendGridErrors"];
                };
            };
            /** @description Default Response */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SendGridErrors"];
                };
            };
            /** @description Default Response */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SendGridErrors"];
                };
            };
            /** @description Default Response */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SendGridErrors"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SendGridErrors"];
                };
            };
        };
    };
    adminListProjects: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Project"][];
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    adminCreateProject: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateProjectRequestInput"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        project: components["schemas"]["Project"];
                        api_key: {
                            id: string;
                            key: string;
                            prefix: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
