// Entry for "hubspot-functions/redis": the Redis budget store (SPEC R55) and the Redis log store
// (issue #15). ioredis is an optional peer dependency, loaded only by this entry.
export { createRedisBudgetStore } from './redis-budget-store';
export type { RedisBudgetStoreOptions } from './redis-budget-store';
export type { BudgetStore, ReserveRequest, ReserveResult, SettleRequest } from '../limits/budget-store';
export { createRedisLogStore } from './redis-log-store';
export type { RedisLogStoreOptions } from './redis-log-store';
export type { LogStore, LogStoreEntry, LogStoreFollower, LogStoreRead } from '../logs/log-store';
