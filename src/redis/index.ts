// Entry for "hubspot-functions/redis": the Redis budget store (SPEC R55). ioredis is an optional
// peer dependency, loaded only by this entry.
export { createRedisBudgetStore } from './redis-budget-store';
export type { RedisBudgetStoreOptions } from './redis-budget-store';
export type { BudgetStore, ReserveRequest, ReserveResult, SettleRequest } from '../limits/budget-store';
