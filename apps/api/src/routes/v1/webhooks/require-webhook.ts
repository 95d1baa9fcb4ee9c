import { checkWebhookUrl, findWebhookEndpoint, HeraldError, type ApiConfig, type Db, type WebhookEndpointRow } from '@herald/core';

/** The project's endpoint, or 404 (also for another project's id). */
export async function requireWebhook(db: Db, projectId: string, id: string): Promise<WebhookEndpointRow> {
  const webhook = await findWebhookEndpoint(db, projectId, id);
  if (!webhook) throw new HeraldError('not_found', `no webhook ${id}`);
  return webhook;
}

/** 400 naming `url` when it cannot be a webhook (scheme, credentials, an internal address literal). */
export function assertWebhookUrl(url: string, config: Pick<ApiConfig, 'webhookAllowHttp' | 'webhookAllowedHosts'>): void {
  const problem = checkWebhookUrl(url, { allowHttp: config.webhookAllowHttp, allowedHosts: config.webhookAllowedHosts });
  if (problem) throw new HeraldError('validation_failed', `url: ${problem}`, [{ field: 'url', message: problem }]);
}
