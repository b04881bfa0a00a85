/** An org's webhook endpoint, in the org's partition (so deleting the org removes it). */
export const WEBHOOK_PREFIX = 'WEBHOOK#';
export const webhookEndpointKey = (orgId: string, endpointId: string) => ({ pk: `ORG#${orgId}`, sk: `${WEBHOOK_PREFIX}${endpointId}` });

/** The deliveries of one endpoint, by zero-padded audit sequence number (newest first when read backwards). */
export const DELIVERY_PREFIX = 'DELIVERY#';
export const deliveryPartition = (endpointId: string) => `DELIVERIES#${endpointId}`;
export const webhookDeliveryKey = (endpointId: string, deliveryId: string) => ({ pk: deliveryPartition(endpointId), sk: `${DELIVERY_PREFIX}${deliveryId}` });
