import type { WebhookDelivery, WebhookEndpoint, WebhookStore } from '../../shared/ports/webhooks';
import type { MemoryStore } from './memory-store';

/** The `WebhookStore` port in memory: endpoints live in the MemoryStore (written by its commits), deliveries here. */
export class MemoryWebhookStore implements WebhookStore {
  readonly deliveries = new Map<string, WebhookDelivery>();

  constructor(private readonly store: MemoryStore) {}

  async listEndpoints(orgId: string): Promise<WebhookEndpoint[]> {
    return [...this.store.webhookEndpoints.values()].filter((e) => e.orgId === orgId).map((e) => structuredClone(e));
  }

  async getEndpoint(orgId: string, endpointId: string): Promise<WebhookEndpoint | undefined> {
    const found = this.store.webhookEndpoints.get(`${orgId}#${endpointId}`);
    return found && structuredClone(found);
  }

  async createDelivery(delivery: WebhookDelivery): Promise<WebhookDelivery> {
    const key = `${delivery.endpointId}#${delivery.deliveryId}`;
    if (!this.deliveries.has(key)) this.deliveries.set(key, structuredClone(delivery));
    return structuredClone(this.deliveries.get(key)!);
  }

  async getDelivery(endpointId: string, deliveryId: string): Promise<WebhookDelivery | undefined> {
    const found = this.deliveries.get(`${endpointId}#${deliveryId}`);
    return found && structuredClone(found);
  }

  async saveDelivery(delivery: WebhookDelivery, generation: number): Promise<boolean> {
    const key = `${delivery.endpointId}#${delivery.deliveryId}`;
    if (this.deliveries.get(key)?.generation !== generation) return false;
    this.deliveries.set(key, structuredClone(delivery));
    return true;
  }

  async listDeliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    return [...this.deliveries.values()].filter((d) => d.endpointId === endpointId).sort((a, b) => b.deliveryId.localeCompare(a.deliveryId)).slice(0, limit);
  }

  async setFailing(orgId: string, endpointId: string, since: string | undefined): Promise<void> {
    const endpoint = this.store.webhookEndpoints.get(`${orgId}#${endpointId}`);
    if (!endpoint) return;
    if (since) endpoint.failingSince ??= since;
    else delete endpoint.failingSince;
  }

  async orgAdmins(orgId: string): Promise<string[]> {
    return [...this.store.users.values()].filter((u) => u.orgId === orgId && u.role === 'admin').map((u) => u.email).sort();
  }
}
