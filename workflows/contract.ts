/**
 * What the workflows' contracts share: the failure types of activities that call outside services (the
 * registry, the insurer, the payment gateway). Activities raise them as `ApplicationFailure.type`; workflows
 * name them in their retry policies.
 */
export const ServiceFailures = {
  /** The service refused definitively (4xx, a malformed answer): retrying would not help. */
  SERVICE_ERROR: 'ServiceError',
  /** The service may recover (network, timeout, 5xx, 429): Temporal retries. */
  SERVICE_UNAVAILABLE: 'ServiceUnavailable',
} as const;
export type ServiceFailureType = (typeof ServiceFailures)[keyof typeof ServiceFailures];
