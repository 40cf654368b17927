export * from './charts';
export * from './fib-client';
export * from './nginx';
export * from './sandbox-app';
export { PropsError } from './props';
