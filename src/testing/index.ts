export { createTestApp, type TestApp } from './create-test-app';
export type { InvokeInput, InvokeResult } from '../host/invoke';
