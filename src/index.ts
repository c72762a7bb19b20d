export { createFunctionsHost, type FunctionsHost } from './host/create-functions-host';
export { formatRouteTable } from './host/format-route-table';
export { createRequestListener, type RequestListener } from './host/create-request-listener';
export type { FrameworkRequestInfo } from './request/endpoint-request';
export type { InvokeInput, InvokeResult } from './host/invoke';
export { HubSpotFunctionsError, ERROR_CODES, type ErrorCode } from './errors';
export { WARNING_CODES, type WarningCode } from './warnings';
export { normalizeOptions, type AllOptions, type DashboardOptions, type OutboundOptions, type ResolvedOptions, type RateLimitOptions, type WorkerOptions } from './options';
export type {
  AppFunctionContext,
  Contact,
  ContactHook,
  ContactLookupInput,
  CorsOptions,
  FunctionsWarning,
  HostHealth,
  HubSpotContext,
  Limits,
  LogRecord,
  LogStatus,
  Options,
  OutboundCall,
  RecordWarning,
  Params,
  RouteInfo,
  SecretsProvider,
  SendResponse,
  ServerlessFunction,
  ServerlessResponse,
} from './types';
export { hubspotContactLookup, type HubSpotContactLookupOptions } from './contacts/hubspot-contact-lookup';
export { verifyHubSpotSignature, SIGNATURE_MAX_AGE_MS, type SignatureInput } from './webhooks/verify-signature';
export type { ReloadResult } from './functions/function-set';
export type { LogStore, LogStoreEntry, LogStoreFollower, LogStoreRead } from './logs/log-store';
export type { PreloadedOptions } from './preloaded/preloaded-packages';
